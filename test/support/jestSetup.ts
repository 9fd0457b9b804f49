/**
 * Jest setup for every test file: a guard that fails any outgoing HTTP(S) request to a
 * host other than loopback (STYLE habit 12). Tests talk only to fakes on 127.0.0.1.
 * It also shares the trained understanding model between the run's test files (nluCache.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { adoptCachedModels, NLU_CACHE_ENV, saveTrainedModels } from './nluCache';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/;

function guard<T extends typeof http.request>(original: T): T {
  return function guarded(this: unknown, ...args: unknown[]) {
    const first = args[0];
    let host = '';
    if (typeof first === 'string') host = new URL(first).hostname;
    else if (first instanceof URL) host = first.hostname;
    else if (first && typeof first === 'object') {
      const o = first as { hostname?: string; host?: string };
      host = (o.hostname ?? o.host ?? 'localhost').replace(/:\d+$/, '');
    }
    if (!LOOPBACK.test(host)) throw new Error(`test guard: outgoing request to ${host} refused (loopback only)`);
    return (original as unknown as (...a: unknown[]) => unknown).apply(this, args);
  } as unknown as T;
}

http.request = guard(http.request);
http.get = guard(http.get as typeof http.request) as unknown as typeof http.get;
https.request = guard(https.request);
https.get = guard(https.get as typeof https.request) as unknown as typeof https.get;

const nluCacheDir = process.env[NLU_CACHE_ENV];
if (nluCacheDir) {
  adoptCachedModels(nluCacheDir);
  afterAll(() => saveTrainedModels(nluCacheDir));
}
