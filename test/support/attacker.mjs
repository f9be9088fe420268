// Another ordinary user on the host, who can write parts of a victim's shared trees: for a bounded time it
// swaps entries there for links to the victim's own files as fast as it can, so that a protection walk
// that looks at an entry and then changes it by name changes the victim's file instead. At the end it puts
// every real entry back and prints what it did as one JSON line. Run one process for directories and one
// for files: each flips its entries as often as it can.
//
// argv[2]: {"durationMs": N, "files": [{"path", "target"}], "dirs": [{"path", "target"}],
//           "hardlinks": [{"from", "to"}]}
import { linkSync, lstatSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';

const { durationMs, files, dirs, hardlinks } = JSON.parse(process.argv[2]);
const aside = (path) => `${path}.aside`;
const counts = { swaps: 0, failures: 0, hardlinks: [] };

const attempt = (action) => {
  try {
    action();
    counts.swaps++;
  } catch {
    counts.failures++;
  }
};

// A hard link to a file of the victim's (refused by fs.protected_hardlinks=1, allowed with 0).
for (const { from, to } of hardlinks) {
  try {
    linkSync(from, to);
    counts.hardlinks.push({ to, made: true });
  } catch (error) {
    counts.hardlinks.push({ to, made: false, code: error.code });
  }
}

/** The entry at `path` becomes a link to `target`, then the real one again (rename replaces the link). */
function swapFile({ path, target }) {
  attempt(() => renameSync(path, aside(path)));
  attempt(() => symlinkSync(target, path));
  attempt(() => renameSync(aside(path), path));
}

/** A directory cannot be renamed over a link: flip between the real one and a link, one step per call. */
function flipDir({ path, target }) {
  if (isLink(path)) {
    attempt(() => unlinkSync(path));
    attempt(() => renameSync(aside(path), path));
  } else {
    attempt(() => renameSync(path, aside(path)));
    attempt(() => symlinkSync(target, path));
  }
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function exists(path) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const end = Date.now() + durationMs;
while (Date.now() < end) {
  for (const dir of dirs) flipDir(dir);
  for (const file of files) swapFile(file);
}

for (const { path } of [...files, ...dirs]) {
  if (!exists(aside(path))) continue;
  if (isLink(path)) unlinkSync(path);
  renameSync(aside(path), path);
}
process.stdout.write(`${JSON.stringify(counts)}\n`);
