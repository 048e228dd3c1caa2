// SPDX-License-Identifier: GPL-3.0-or-later
// Each lab server's own client library, to prove the lab server healthy before SocketScope's probe
// is judged against it. Prints "OK <detail>" and exits 0, or prints the error and exits 1.
//
//   node appclient.js socketio URL [NAMESPACE]   socket.io-client, transports: ['websocket']; emits ping-app with an ack
//   node appclient.js graphql-ws URL             graphql-ws createClient: subscribe { __typename }
//   node appclient.js legacy-graphql URL         subscriptions-transport-ws SubscriptionClient: { __typename }
//   node appclient.js mqtt URL                   mqtt@5: connect, subscribe, publish, receive
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
} else {
    done(false, 'unknown mode ' + mode);
}
