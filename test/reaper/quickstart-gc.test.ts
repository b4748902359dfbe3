// In the quickstart every service shares one process and the in-process bus: the reaper in it
// still drives collection of the artifact store and the task cache claim.
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../intercept/support.ts';
import { startQuickstart } from '../support/jetbridge.ts';

const hourAgo = new Date(Date.now() - 60 * 60 * 1000);

describe('garbage collection in the quickstart', { timeout: 300_000 }, () => {
  let jb: Awaited<ReturnType<typeof startQuickstart>>;

  before(async () => {
    jb = await startQuickstart({ args: ['--kubernetes-cache-pvc', 'caches'] });
  });
  after(() => jb?.stop());

  it('removes an unreferenced tar and cache directory within a few GC intervals', async () => {
    const tars = join(jb.dataDir, 'artifacts', 'tars');
    await mkdir(tars, { recursive: true });
    await writeFile(join(tars, 'upload-nobody-wants.tar'), 'x');
    await utimes(join(tars, 'upload-nobody-wants.tar'), hourAgo, hourAgo);
    const caches = join(jb.dataDir, 'kubesim', 'claims', 'caches', 'caches');
    await mkdir(join(caches, 'forgotten'), { recursive: true });
    await utimes(join(caches, 'forgotten'), hourAgo, hourAgo);

    await eventually(
      'the tar and the cache directory are collected',
      async () => {
        const left = [...(await readdir(tars)), ...(await readdir(caches))];
        return left.length === 0 ? true : undefined;
      },
      30_000,
    );
  });
});
