import { defineConfig } from 'vite';

// The web app lives in client/ and is built into dist/client, which the server serves at /.
// `npm run dev` serves it with hot reload and proxies the API and Socket.IO to the server.
const apiTarget = `http://127.0.0.1:${process.env.SERVER_PORT ?? 8000}`;

export default defineConfig({
  root: 'client',
  build: { outDir: '../dist/client', emptyOutDir: true },
  server: {
    port: 5173,
    proxy: {
      '/api': apiTarget,
      '/health': apiTarget,
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
});
