/**
 * The streaming benchmark's floor, run as its own process: a bare Socket.IO server that relays
 * the fake model's token streams with no database. POST /ask {"question"} starts an answer (the
 * same OpenAI SDK call the service makes, against FLOOR_OPENAI_BASE_URL); each chunk is emitted
 * at once to the message's room as `message:delta`, then `message:status` completed. `subscribe`
 * joins the room and answers the text so far, as the service's does. What MedChat does beyond
 * this (queue, database, NOTIFY bus, validation, auth) is what the ratio to the floor measures.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import OpenAI from 'openai';
import { Server } from 'socket.io';
import { messageRoom } from '../../shared/socket-names.js';
import { listenAndAnnounce, readJsonBody } from './script-server.js';

interface Answer {
  seq: number;
  text: string;
}

const openai = new OpenAI({ apiKey: 'not-needed', baseURL: process.env.FLOOR_OPENAI_BASE_URL, maxRetries: 0 });
const answers = new Map<string, Answer>();
const server = http.createServer(async (req, res) => {
  const body = await readJsonBody(req, res);
  if (!body) return;
  if (req.method !== 'POST' || req.url !== '/ask') {
    res.writeHead(404).end();
    return;
  }
  const messageId = randomUUID();
  answers.set(messageId, { seq: 0, text: '' });
  void relay(messageId, String(body.question));
  res.writeHead(202, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ messageId }));
});
const io = new Server(server, { serveClient: false });

async function relay(messageId: string, question: string): Promise<void> {
  const room = messageRoom(messageId);
  const answer = answers.get(messageId) as Answer;
  try {
    const stream = await openai.chat.completions.create({
      model: 'bench-model',
      messages: [{ role: 'user', content: question }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.7,
      max_tokens: 2000,
    });
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        const text = choice.delta?.content;
        if (!text) continue;
        answer.text += text;
        io.to(room).emit('message:delta', { messageId, seq: answer.seq++, text, attempt: 1 });
      }
    }
    io.to(room).emit('message:status', { messageId, status: 'completed', response: answer.text });
  } catch (error) {
    io.to(room).emit('message:status', { messageId, status: 'failed', error: String(error) });
  }
  io.in(room).socketsLeave(room);
  answers.delete(messageId);
}

io.on('connection', (socket) => {
  socket.on('subscribe', (payload: { messageId: string }, ack: (answer: unknown) => void) => {
    const answer = answers.get(payload.messageId);
    if (!answer) return ack({ error: 'No message with that id.' });
    void socket.join(messageRoom(payload.messageId));
    const partial = { attempt: 1, seq: answer.seq, text: answer.text };
    ack({ message: { messageId: payload.messageId, status: 'processing', partial } });
  });
});

listenAndAnnounce(server);
