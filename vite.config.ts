import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv } from 'vite';

// The web app lives in client/ and is built into dist/client, which the server serves at /.
// `npm run dev` serves it with hot reload and proxies the API and Socket.IO to the server.
const projectRoot = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig(({ mode }) => {
  // The server reads SERVER_PORT from the environment or .env; the proxy must aim at the same port.
  const env = { ...loadEnv(mode, projectRoot, ''), ...process.env };
  const apiTarget = `http://127.0.0.1:${env.SERVER_PORT || 8000}`;
  return {
    root: path.join(projectRoot, 'client'),
    build: { outDir: path.join(projectRoot, 'dist', 'client'), emptyOutDir: true },
    server: {
      port: 5173,
      proxy: {
        '/api': apiTarget,
        '/health': apiTarget,
        // ws: the Socket.IO WebSocket upgrade goes through the proxy too, not only long-polling.
        '/socket.io': { target: apiTarget, ws: true },
      },
    },
  };
});
