/**
 * `npm run understand`: what the bot does with a message typed as the first free text at
 * the main menu, for content editors trying phrasings. One message per line on standard
 * input (or as arguments), one JSON line out per message:
 *   {"text", "danger", "dangerKind", "topic", "province", "confidence"}
 * (plus "clarify" with the topics offered when it asks, "notUnderstood" when it shows the
 * menu). Nothing is stored or logged.
 */
import path from 'node:path';
import readline from 'node:readline';
import { loadFlowSet } from '../flowset';
import { firstMessage } from '../nlu/firstMessage';

async function main(): Promise<void> {
  const root = process.env.CONTENT_ROOT ?? path.resolve(__dirname, '../../..');
  const flows = loadFlowSet(root);
  const say = (line: string) => {
    if (line.trim()) process.stdout.write(JSON.stringify(firstMessage(flows, line.trim())) + '\n');
  };
  const args = process.argv.slice(2);
  if (args.length > 0) { args.forEach(say); return; }
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) say(line);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
