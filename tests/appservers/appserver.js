// SPDX-License-Identifier: GPL-3.0-or-later
// Real application servers for SocketScope's application-protocol tests, from npm (pinned by
// package-lock.json). One server per process, bound to 127.0.0.1 on a free port, which is printed
// as "PORT <n>" once listening. The test stops the process by PID.
//
//   node appserver.js socketio [--ping-interval MS] [--reject-namespace /NS] [--token T (namespace /auth)] [--path /socket.io/]
//   node appserver.js graphql-ws [--forbid]          graphql-ws@5 (subprotocol graphql-transport-ws) on /graphql
//   node appserver.js legacy-graphql                 subscriptions-transport-ws (subprotocol graphql-ws) on /subscriptions
//   node appserver.js mqtt                           aedes + websocket-stream (MQTT over WebSocket) on /mqtt
//   node appserver.js bolt                           ws: answers the Bolt handshake like Neo4j 5; closes on anything else
//   node appserver.js stomp [--heartbeat MS] [--reject]  stomp-broker-js (STOMP 1.1 broker, ws@5) on /stomp; the broker
//                                                    sends heart-beats every max(MS, the client's wish); --reject: ERROR to every CONNECT
//   node appserver.js signalr-fake [--ping-interval MS] [--close-with-error TEXT] [--no-websockets]
//                                                    NOT a real SignalR server (ASP.NET Core does not run here): a FAKE
//                                                    written from the published protocol on /hub: POST /hub/negotiate
//                                                    (negotiateVersion 1: connectionId + connectionToken), the WebSocket
//                                                    with id=TOKEN (an unknown token: 404 "No Connection with that ID",
//                                                    as ASP.NET Core answers; no id: skipNegotiation), the JSON hub
//                                                    protocol; proven with the real @microsoft/signalr client
//                                                    (appclient.js signalr / signalr-negotiate)
//   node appserver.js deflate                        ws with perMessageDeflate (threshold 0: every message compressed):
//                                                    a welcome text, then echoes every message
'use strict';
const http = require('http');

const args = process.argv.slice(2);
const mode = args[0];
const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(name);

let onRequest = null; // a mode's own plain HTTP routes: returns true when it answered
const server = http.createServer((req, res) => {
    if (onRequest && onRequest(req, res))
        return;
    res.writeHead(404);
    res.end('not here\n');
});

function schema() {
    const { GraphQLSchema, GraphQLObjectType, GraphQLString } = require('graphql');
    return new GraphQLSchema({
        query: new GraphQLObjectType({ name: 'Query', fields: { hello: { type: GraphQLString, resolve: () => 'world' } } }),
        subscription: new GraphQLObjectType({
            name: 'Subscription',
            fields: {
                greetings: {
                    type: GraphQLString,
                    subscribe: async function* () { yield { greetings: 'hi' }; },
                },
            },
        }),
    });
}

if (mode === 'socketio') {
    const { Server } = require('socket.io');
    const interval = Number(opt('--ping-interval', '25000'));
    const io = new Server(server, { pingInterval: interval, pingTimeout: Math.max(1000, interval), path: opt('--path', '/socket.io/') });
    const onConnection = (socket) => {
        socket.on('ping-app', (...args) => { // ack = the last argument, whatever was sent before it
            const ack = args[args.length - 1];
            if (typeof ack === 'function') ack({ pong: args.length > 1 ? args[0] : null });
        });
    };
    io.on('connection', onConnection);
    // /auth admits only CONNECTs whose auth payload carries the token given with --token.
    const token = opt('--token');
    if (token) {
        const ns = io.of('/auth');
        ns.use((socket, next) => next(socket.handshake.auth && socket.handshake.auth.token === token ? undefined : new Error('invalid token')));
        ns.on('connection', onConnection);
    }
    const rejected = opt('--reject-namespace');
    if (rejected) {
        const ns = io.of(rejected);
        ns.use((socket, next) => next(new Error('not authorized: token missing')));
        ns.on('connection', onConnection);
    }
} else if (mode === 'graphql-ws') {
    const { WebSocketServer } = require('ws');
    const { useServer } = require('graphql-ws/lib/use/ws');
    const wss = new WebSocketServer({ server, path: '/graphql' });
    useServer({ schema: schema(), onConnect: () => !flag('--forbid') }, wss);
} else if (mode === 'legacy-graphql') {
    const { SubscriptionServer } = require('subscriptions-transport-ws');
    const { execute, subscribe } = require('graphql');
    SubscriptionServer.create({ schema: schema(), execute, subscribe, keepAlive: 1000 }, { server, path: '/subscriptions' });
} else if (mode === 'mqtt') {
    const aedes = require('aedes')();
    const ws = require('websocket-stream');
    ws.createServer({ server, path: '/mqtt' }, aedes.handle);
} else if (mode === 'bolt') {
    const { WebSocketServer } = require('ws');
    const wss = new WebSocketServer({ server });
    wss.on('connection', (sock) => {
        sock.on('message', (data, isBinary) => {
            const b = Buffer.from(data);
            if (isBinary && b.length === 20 && b.readUInt32BE(0) === 0x6060b017)
                sock.send(Buffer.from([0, 0, 4, 5]), { binary: true });
            else
                sock.terminate(); // like Neo4j: anything but Bolt ends the connection
        });
    });
} else if (mode === 'stomp') {
    const StompServer = require('stomp-broker-js');
    const broker = new StompServer({ server, path: '/stomp', heartbeat: [Number(opt('--heartbeat', '1000')), 0] });
    if (flag('--reject')) // a CONNECT middleware that never calls next(): the broker answers ERROR
        broker.addMiddleware('connect', () => false);
} else if (mode === 'signalr-fake') {
    // A FAKE of ASP.NET Core SignalR's JSON hub protocol (records end with 0x1E): handshake, pings
    // (type 6), invocation "echo" → completion (type 3), close (type 7). Not a real SignalR server.
    const { WebSocketServer } = require('ws');
    const crypto = require('crypto');
    const RS = '\x1e';
    const tokens = new Set(); // the connections this server negotiated
    onRequest = (req, res) => {
        if (req.method !== 'POST' || !req.url.startsWith('/hub/negotiate'))
            return false;
        req.resume();
        req.on('end', () => {
            const connectionId = crypto.randomBytes(16).toString('base64url');
            const connectionToken = crypto.randomBytes(16).toString('base64url');
            tokens.add(connectionToken);
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({
                negotiateVersion: 1, connectionId, connectionToken,
                availableTransports: flag('--no-websockets') // a server configured for long polling only
                    ? [{ transport: 'LongPolling', transferFormats: ['Text', 'Binary'] }]
                    : [{ transport: 'WebSockets', transferFormats: ['Text', 'Binary'] }],
            }));
        });
        return true;
    };
    const verifyClient = (info, cb) => {
        const id = new URL(info.req.url, 'http://x').searchParams.get('id');
        if (id !== null && !tokens.has(id))
            return cb(false, 404, 'No Connection with that ID');
        tokens.delete(id);
        cb(true);
    };
    const wss = new WebSocketServer({ server, path: '/hub', verifyClient });
    const interval = Number(opt('--ping-interval', '15000'));
    const closeError = opt('--close-with-error');
    wss.on('connection', (sock) => {
        let handshaken = false;
        let timer;
        const send = (o) => sock.send(JSON.stringify(o) + RS);
        sock.on('close', () => clearInterval(timer));
        sock.on('message', (data) => {
            for (const text of data.toString().split(RS).filter((r) => r.length > 0)) {
                const m = JSON.parse(text);
                if (!handshaken) {
                    if (m.protocol !== 'json' || m.version !== 1) {
                        send({ error: `The protocol '${m.protocol}' is not supported.` });
                        sock.close();
                        return;
                    }
                    handshaken = true;
                    send({});
                    if (closeError) { // what a hub whose OnConnectedAsync throws sends
                        send({ type: 7, error: closeError, allowReconnect: false });
                        sock.close();
                        return;
                    }
                    timer = setInterval(() => send({ type: 6 }), interval);
                } else if (m.type === 1 && m.invocationId !== undefined) {
                    if (m.target === 'echo')
                        send({ type: 3, invocationId: m.invocationId, result: m.arguments.length ? m.arguments[0] : null });
                    else
                        send({ type: 3, invocationId: m.invocationId, error: `Unknown hub method '${m.target}'` });
                } else if (m.type === 7) {
                    sock.close();
                }
            }
        });
    });
} else if (mode === 'deflate') {
    const { WebSocketServer } = require('ws');
    const wss = new WebSocketServer({ server, perMessageDeflate: { threshold: 0 } });
    wss.on('connection', (sock) => {
        sock.send('welcome: this message is compressed when permessage-deflate was negotiated');
        sock.on('message', (data, isBinary) => sock.send(data, { binary: isBinary }));
    });
} else {
    console.error('unknown mode ' + mode);
    process.exit(2);
}

server.listen(Number(opt('--port', '0')), '127.0.0.1', () => {
    console.log('PORT ' + server.address().port);
});
