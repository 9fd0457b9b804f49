/** The baseline of the benchmark: a bare express JSON echo. Run as a child process. */
import express from 'express';

const app = express();
app.use(express.json());
app.post('/echo', (req, res) => { res.json({ ok: true, got: req.body }); });
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`echo ready ${typeof addr === 'object' && addr ? addr.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
