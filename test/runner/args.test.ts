/** Strict CLI flags (`attnlab`, `attnlab run`, `attnlab experiments`) and `-p` parameters checked against the notebook. */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../lib/cli.js";
import { parseRunArgs } from "../../lib/runner/args.js";
import { codeCell, type Notebook, readNotebook } from "../../lib/runner/notebook.js";
import { ParameterText, resolveParameters } from "../../lib/runner/parameters.js";
import { root } from "./helpers.js";

// [argv after `attnlab run`, expected error]
const BAD_RUN_ARGS: [string[], RegExp][] = [
  [
    ["nb", "--timout", "3"],
    /attnlab run: unknown option --timout \(did you mean --timeout\?\); allowed options: -o\/--output DIR, --inplace, -p\/--parameter NAME VALUE/,
  ],
  [
    ["nb", "-x"],
    /unknown option -x( \(did you mean -\w\?\))?; allowed options: .*--kernel-start-timeout SECONDS/,
  ],
  [["nb", "--HTML"], /unknown option --HTML \(did you mean --html\?\)/],
  [
    ["nb", "--timeout", "2200000"],
    /RangeError: attnlab run: --timeout must be a finite number ≥ 0 and ≤ 86400, got 2200000/,
  ],
  [["nb", "--timeout", "-1"], /--timeout must be a finite number ≥ 0 and ≤ 86400, got -1/],
  [["nb", "--timeout", "1e999"], /--timeout must be a finite number .* got Infinity/],
  [["nb", "--timeout", "soon"], /TypeError: attnlab run: --timeout must be a finite number .* got "soon"/],
  [["nb", "--timeout", ""], /--timeout must be a finite number .* got ""/],
  [["nb", "--timeout", "0x10"], /--timeout must be a finite number .* got "0x10"/],
  [["nb", "--timeout", "NaN"], /--timeout must be a finite number .* got "NaN"/],
  [["nb", "--timeout", "3", "--timeout", "4"], /--timeout is given more than once/],
  [["nb", "--timeout"], /--timeout needs SECONDS, got nothing/],
  [
    ["nb", "--kernel-start-timeout", "0"],
    /--kernel-start-timeout must be a finite number > 0 and ≤ 3600, got 0/,
  ],
  [
    ["nb", "--kernel-start-timeout", "7200"],
    /--kernel-start-timeout must be a finite number > 0 and ≤ 3600, got 7200/,
  ],
  [["nb", "--jobs", "0"], /--jobs must be an integer ≥ 1 and ≤ 16, got 0/],
  [["nb", "-j", "1.5"], /--jobs must be an integer ≥ 1 and ≤ 16, got 1\.5/],
  [["nb", "--jobs", "17"], /--jobs must be an integer ≥ 1 and ≤ 16, got 17/],
  [["nb", "--jobs", "two"], /--jobs .*got "two"/],
  [["nb", "-o"], /-o needs DIR, got nothing/],
  [["nb", "-o", "--html"], /-o needs DIR, got "--html"/],
  [["nb", "-o", "a", "--output", "b"], /--output is given more than once/],
  [["nb", "--output="], /--output needs a folder, got ""/],
  [["nb", "--inplace", "-o", "x"], /--inplace and --output exclude each other/],
  [["nb", "--html=yes"], /--html takes no value/],
  [["nb", "-p", "x"], /-p needs NAME VALUE, got "x"/],
  [["nb", "-p", "quick", "1e999"], /attnlab run: -p quick 1e999: Infinity is not a finite number/],
  [["nb", "-p", "quick", "-1e400"], /-p quick -1e400: -Infinity is not a finite number/],
  [["nb", "-p", "xs", "[1, 1e999]"], /-p xs \[1, 1e999\]: Infinity is not a finite number/],
  [["nb", "-p", "cfg", '{"__proto__": {"a": 1}}'], /-p cfg .*: the key "__proto__" is not allowed/],
  [["nb", "-p", "__proto__", "1"], /attnlab run: -p: parameter name "__proto__" is not allowed/],
  [["nb", "-p", "constructor", "1"], /parameter name "constructor" is not allowed/],
  [["nb", "-p", "prototype", "1"], /parameter name "prototype" is not allowed/],
  [["nb", "-p", "bad-name", "1"], /parameter name "bad-name" is not an identifier/],
  [["nb", "-p", "", "1"], /parameter name "" is not an identifier/],
  [["nb", "-p", "quick", "true", "-p", "quick", "false"], /-p quick is given more than once/],
  [[], /attnlab run: no notebook or folder given/],
];

test(`attnlab run rejects unknown flags and bad values, naming the flag (${BAD_RUN_ARGS.length} cases)`, () => {
  for (const [argv, expected] of BAD_RUN_ARGS) {
    assert.throws(
      () => parseRunArgs(argv),
      (err: Error) => expected.test(`${err.name}: ${err.message}`),
      argv.join(" "),
    );
  }
});

test("attnlab run accepts what its usage says", () => {
  const a = parseRunArgs([
    "nb",
    "--timeout=0",
    "--kernel-start-timeout",
    "0.5",
    "-p",
    "label",
    "a b",
    "--",
    "-weird.ipynb",
  ]);
  assert.equal(a.timeoutS, 0);
  assert.equal(a.kernelStartTimeoutS, 0.5);
  assert.deepEqual(a.paths, ["nb", "-weird.ipynb"]);
  assert.deepEqual(a.parameters, { label: new ParameterText("a b") });
  assert.equal(parseRunArgs(["--help"]).help, true);
  assert.equal(parseRunArgs(["nb", "--timeout", "86400"]).timeoutS, 86400);
  assert.equal(parseRunArgs(["nb", "-j", "2"]).jobs, 2);
  assert.equal(parseRunArgs(["nb"]).jobs, undefined, "one notebook at a time unless asked");
});

const nb: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    codeCell(
      'let quick = false; // CI\nlet label = "default", steps = 3;\nlet rate: number = 0.5;\nlet url = "http://x"; // a comment\nlet cfg = { a: 1 };\nconst fixed = 1;',
      ["parameters"],
    ),
  ],
};
const text = (t: string) => new ParameterText(t);

// [parameters, expected error]
const BAD_PARAMETERS: [Record<string, unknown>, RegExp][] = [
  [
    { quik: text("true") },
    /nb: the parameters cell declares no parameter "quik" \(did you mean "quick"\?\); declared parameters: quick, label, steps, rate, url, cfg, fixed/,
  ],
  [{ epochs: text("3") }, /declares no parameter "epochs"; declared parameters: quick, /],
  [
    { quick: text("maybe") },
    /TypeError: nb: parameter quick must be a boolean \(true or false\), got "maybe"/,
  ],
  [{ quick: text("1") }, /parameter quick must be a boolean \(true or false\), got 1/],
  [{ quick: text('"true"') }, /parameter quick must be a boolean \(true or false\), got "true"/],
  [{ steps: text("abc") }, /parameter steps must be a number, got "abc"/],
  [{ steps: text("true") }, /parameter steps must be a number, got true/],
  [{ steps: text("1e999") }, /RangeError: nb: parameter steps: Infinity is not a finite number/],
  [{ rate: text("[0.5]") }, /parameter rate must be a number, got \[0.5\]/],
  [{ cfg: text("[1e999]") }, /parameter cfg: Infinity is not a finite number/],
  [
    { fixed: text("2") },
    /parameter fixed is declared with const in the parameters cell; declare parameters with let/,
  ],
  [{ quick: "yes" }, /parameter quick must be a boolean \(true or false\), got "yes"/],
  [{ steps: Number.NaN }, /parameter steps: NaN is not a finite number/],
  [{ steps: Number.POSITIVE_INFINITY }, /parameter steps: Infinity is not a finite number/],
  [{ label: 42 }, /parameter label must be a string, got 42/],
  [{ toString: text("1") }, /declares no parameter "toString"/],
];

test(`-p parameters must be declared in the parameters cell with the right type (${BAD_PARAMETERS.length} cases)`, () => {
  for (const [params, expected] of BAD_PARAMETERS) {
    assert.throws(
      () => resolveParameters("nb", nb, params),
      (err: Error) => expected.test(`${err.name}: ${err.message}`),
      JSON.stringify(params),
    );
  }
  const none: Notebook = { ...nb, cells: [codeCell("let quick = false;")] };
  assert.throws(
    () => resolveParameters("x.ipynb", none, { quick: true }),
    /x\.ipynb: has no cell tagged "parameters", so it takes no parameters \(got quick\)/,
  );
  assert.deepEqual(resolveParameters("x.ipynb", none, {}), {});
});

test("-p values are read by the declared type", () => {
  assert.deepEqual(
    resolveParameters("nb", nb, {
      quick: text("true"),
      label: text("42"),
      steps: text("-2.5"),
      rate: 1,
      url: text('"quoted"'),
      cfg: text('{"a": [1, "x"]}'),
    }),
    { quick: true, label: "42", steps: -2.5, rate: 1, url: "quoted", cfg: { a: [1, "x"] } },
  );
});

test("every course notebook declares quick as a boolean (so `attnlab run notebooks -p quick true` is valid)", () => {
  const dir = join(root, "notebooks");
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ipynb"));
  assert.ok(files.length >= 5);
  for (const f of files) {
    assert.deepEqual(
      resolveParameters(f, readNotebook(join(dir, f)), { quick: text("true") }),
      { quick: true },
      f,
    );
  }
});

async function cli(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr };
  } finally {
    process.stderr.write = write;
  }
}

// [argv, expected stderr]: each exits 2 before anything runs.
const BAD_COMMANDS: [string[], RegExp][] = [
  [
    ["rnu"],
    /^attnlab: unknown command "rnu" \(did you mean "run"\?\); commands: run, kernel, experiments, records/,
  ],
  [
    ["--version"],
    /^attnlab: unknown option "--version"; commands: run, kernel, experiments, records, grade; options: -h\/--help/,
  ],
  [
    ["run", "nb.ipynb", "--timeout", "2200000"],
    /^attnlab run: --timeout must be a finite number ≥ 0 and ≤ 86400, got 2200000\n/,
  ],
  [
    ["run", "test/runner/fixtures/good.ipynb", "-p", "quick", "maybe"],
    /^attnlab run: test\/runner\/fixtures\/good\.ipynb: parameter quick must be a boolean/,
  ],
  [
    ["run", "test/runner/fixtures/good.ipynb", "-p", "nope", "1"],
    /declares no parameter "nope"; declared parameters: quick, label, steps/,
  ],
  [
    ["experiments", "--fast"],
    /^attnlab experiments: unknown option --fast; allowed options: --quick, -o\/--output\/--out DIR|^attnlab experiments: unknown option --fast \(did you mean --quick\?\)/,
  ],
  [["experiments", "--quick", "--quick"], /^attnlab experiments: --quick is given more than once/],
  [["experiments", "-o"], /^attnlab experiments: -o needs DIR, got nothing/],
  [
    ["experiments", "no-such-case"],
    /^attnlab experiments: unknown experiment "no-such-case"; known experiments: /,
  ],
];

test(`attnlab and attnlab experiments reject unknown commands, flags and names (${BAD_COMMANDS.length} cases)`, async () => {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    for (const [argv, expected] of BAD_COMMANDS) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.match(r.stderr, expected, argv.join(" "));
    }
  } finally {
    process.chdir(cwd);
  }
});
