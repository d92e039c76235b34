// The small shell reader the simulator follows boot scripts with: words as a shell splits them,
// variables as far as the script sets them, files written by redirections, tee and heredocs.
import { followShell, ShellSyntaxError } from '../../../src/simulator/cluster-join/shell';

const runs = (script: string) =>
  followShell(script).flatMap((s) => (s.kind === 'run' ? [s.argv] : []));
const writes = (script: string) =>
  followShell(script).flatMap((s) => (s.kind === 'write' ? [s] : []));

test('quoting, escapes and comments split words as a shell does', () => {
  expect(runs(`a 'single $X "q"' "double \\"$HOME\\" \\$" b\\ c # comment\nd '' "" e#f`)).toEqual([
    ['a', 'single $X "q"', 'double "$HOME" $', 'b c'],
    ['d', '', '', 'e#f'],
  ]);
});

test('command substitution and backquotes stay literal; line continuations join lines', () => {
  expect(runs('echo $(hostname -f) `date` ${UNSET} $1 \\\n  next')).toEqual([
    ['echo', '$(hostname -f)', '`date`', '$UNSET', '$1', 'next'],
  ]);
});

test('assignments set variables; before a command they only reach that command', () => {
  expect(runs('A=1\nB=2 cmd "$B"\nexport C="$A-x"\nrun "$A" "${C}" $B')).toEqual([
    ['cmd', '$B'],
    ['export', 'C=1-x'],
    ['run', '1', '1-x', '$B'],
  ]);
});

test('separators, pipelines and compound-command keywords', () => {
  expect(
    runs('a && b || c; d & e | f\nif g; then h; else i; fi\nwhile j; do k; done\n{ l; }'),
  ).toEqual([['a'], ['b'], ['c'], ['d'], ['e'], ['f'], ['g'], ['h'], ['i'], ['j'], ['k'], ['l']]);
});

test('files: > and >> with echo, tee and tee -a, here-documents with and without expansion', () => {
  const script = [
    'NAME=world',
    'echo hello > /a',
    'echo -n again >> /a',
    'echo piped | tee /b /c',
    'echo more | sudo tee -a /b',
    'cat > /d <<EOF',
    'hi $NAME \\$NAME',
    'EOF',
    "cat <<'EOF' >/e",
    'raw $NAME',
    'EOF',
    'cat >/f <<-END',
    '\t\tindented',
    '\tEND',
    'echo ignored 2>/dev/null 1>&2 && echo err 2> /g',
  ].join('\n');
  expect(writes(script)).toEqual([
    { kind: 'write', path: '/a', content: 'hello\n', append: false },
    { kind: 'write', path: '/a', content: 'again', append: true },
    { kind: 'write', path: '/b', content: 'piped\n', append: false },
    { kind: 'write', path: '/c', content: 'piped\n', append: false },
    { kind: 'write', path: '/b', content: 'more\n', append: true },
    { kind: 'write', path: '/d', content: 'hi world $NAME\n', append: false },
    { kind: 'write', path: '/e', content: 'raw $NAME\n', append: false },
    { kind: 'write', path: '/f', content: 'indented\n', append: false },
  ]);
});

test('sh -c and bash -lc scripts are followed too', () => {
  expect(runs(`sh -c 'A=2; kubeadm version "$A"'\nsudo bash -lc "x y"`)).toEqual([
    ['sh', '-c', 'A=2; kubeadm version "$A"'],
    ['kubeadm', 'version', '2'],
    ['sudo', 'bash', '-lc', 'x y'],
    ['x', 'y'],
  ]);
});

test('text a shell rejects is a ShellSyntaxError', () => {
  for (const script of [
    "echo 'open",
    'echo "open',
    'echo `open',
    'echo $(open',
    'cat <<EOF\nno end',
    'cat <<',
  ]) {
    expect(() => followShell(script)).toThrow(ShellSyntaxError);
  }
});
