// SPDX-License-Identifier: GPL-3.0-or-later
// Each lab server's own client library, to prove the lab server healthy before SocketScope's probe
// is judged against it. Prints "OK <detail>" and exits 0, or prints the error and exits 1.
//
//   node appclient.js socketio URL [NAMESPACE]   socket.io-client, transports: ['websocket']; emits ping-app with an ack
//   node appclient.js socketio-polling URL       socket.io-client with its default transports (long-polling, then the upgrade)
//   node appclient.js graphql-ws URL             graphql-ws createClient: subscribe { __typename }
//   node appclient.js legacy-graphql URL         subscriptions-transport-ws SubscriptionClient: { __typename }
//   node appclient.js mqtt URL                   mqtt@5: connect, subscribe, publish, receive
//   node appclient.js stomp URL                  @stomp/stompjs: two clients: SUBSCRIBE, SEND, MESSAGE
//   node appclient.js signalr URL                @microsoft/signalr (skipNegotiation, WebSockets): invoke "echo"
//   node appclient.js signalr-negotiate URL      @microsoft/signalr as by default (negotiate, then WebSockets): invoke "echo"
//   node appclient.js deflate URL                ws with perMessageDeflate: negotiated, and an echo comes back
'use strict';
const [mode, url, extra] = process.argv.slice(2);
const done = (ok, detail) => {
    console.log((ok ? 'OK ' : 'FAIL ') + detail);
    process.exit(ok ? 0 : 1);
};
setTimeout(() => done(false, 'timeout'), 10000).unref();

if (mode === 'socketio') {
    const { io } = require('socket.io-client');
    const s = io(url + (extra || ''), { transports: ['websocket'], reconnection: false });
    s.on('connect', () => s.emit('ping-app', 1, (r) => done(r && r.pong === 1, 'ack ' + JSON.stringify(r))));
    s.on('connect_error', (e) => done(false, 'connect_error ' + e.message));
} else if (mode === 'socketio-polling') {
    const { io } = require('socket.io-client');
    const s = io(url, { reconnection: false });
    const ping = () => s.emit('ping-app', 1, (r) => done(r && r.pong === 1, 'on ' + s.io.engine.transport.name + ', ack ' + JSON.stringify(r)));
    s.on('connect', () => (s.io.engine.transport.name === 'websocket' ? ping() : s.io.engine.once('upgrade', ping)));
    s.on('connect_error', (e) => done(false, 'connect_error ' + e.message));
} else if (mode === 'graphql-ws') {
    const WebSocket = require('ws');
    const { createClient } = require('graphql-ws');
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    client.subscribe({ query: '{ __typename }' }, {
        next: (v) => done(v.data && v.data.__typename === 'Query', 'next ' + JSON.stringify(v)),
        error: (e) => done(false, 'error ' + (e && (e.reason || e.message || JSON.stringify(e)))),
        complete: () => {},
    });
} else if (mode === 'legacy-graphql') {
    const WebSocket = require('ws');
    const { SubscriptionClient } = require('subscriptions-transport-ws');
    const client = new SubscriptionClient(url, { reconnect: false }, WebSocket);
    client.request({ query: '{ __typename }' }).subscribe({
        next: (v) => done(v.data && v.data.__typename === 'Query', 'data ' + JSON.stringify(v)),
        error: (e) => done(false, 'error ' + JSON.stringify(e)),
    });
} else if (mode === 'mqtt') {
    const mqtt = require('mqtt');
    const c = mqtt.connect(url, { reconnectPeriod: 0 });
    c.on('connect', () => c.subscribe('socketscope/lab', () => c.publish('socketscope/lab', 'hello')));
    c.on('message', (topic, msg) => done(msg.toString() === 'hello', 'message ' + topic + ' ' + msg));
    c.on('error', (e) => done(false, 'error ' + e.message));
} else if (mode === 'stomp') {
    // The broker delivers a SEND to every subscriber but its sender: one client subscribes, a second publishes.
    Object.assign(global, { WebSocket: require('ws') });
    const { Client } = require('@stomp/stompjs');
    const client = () => new Client({ brokerURL: url, reconnectDelay: 0 });
    const sub = client();
    sub.onConnect = (frame) => {
        sub.subscribe('/queue/lab', (m) => done(m.body === 'hello', 'MESSAGE ' + m.body + ', version ' + frame.headers.version));
        const pub = client();
        pub.onConnect = () => pub.publish({ destination: '/queue/lab', body: 'hello' });
        pub.activate();
    };
    sub.onStompError = (f) => done(false, 'ERROR ' + f.headers.message);
    sub.activate();
} else if (mode === 'signalr' || mode === 'signalr-negotiate') {
    const signalR = require('@microsoft/signalr');
    const c = new signalR.HubConnectionBuilder()
        .withUrl(url.replace(/^ws/, 'http'), { skipNegotiation: mode === 'signalr', transport: signalR.HttpTransportType.WebSockets })
        .configureLogging(signalR.LogLevel.None)
        .build();
    c.start()
        .then(() => c.invoke('echo', 'hi'))
        .then((r) => done(r === 'hi', 'echo ' + r))
        .catch((e) => done(false, 'error ' + e.message));
} else if (mode === 'deflate') {
    const WebSocket = require('ws');
    const ws = new WebSocket(url, { perMessageDeflate: true });
    let welcomed = false;
    ws.on('message', (data) => {
        if (!welcomed) {
            welcomed = true;
            ws.send('echo me, compressed');
            return;
        }
        done(ws.extensions.includes('permessage-deflate') && data.toString() === 'echo me, compressed',
            'extensions "' + ws.extensions + '" echo ' + data);
    });
    ws.on('error', (e) => done(false, 'error ' + e.message));
} else {
    done(false, 'unknown mode ' + mode);
}
