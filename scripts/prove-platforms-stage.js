#!/usr/bin/env node
'use strict'
// Helper of scripts/prove-platforms.sh, run with the host's Node. Keeps a staged copy of the
// package under the proof's cache folder, so that each platform run loads exactly one binary,
// through the package's own detection, and never touches the checkout (where the debug build
// `instagram-native.linux-x64-gnu.node` of `npm test` lives):
//
//   stage DIR           copies the checkout's files (tracked and untracked-not-ignored, mtimes kept)
//                       into DIR, removes what was staged before and is gone now, and gives every
//                       node_modules folder of the checkout a twin in DIR made of symlinks: to the
//                       checkout's packages, except links into the checkout itself (npm workspaces,
//                       `instagram-native` → the root), which point at the staged copy instead.
//   place DIR FILE      removes every *.node from DIR's root and copies FILE there (by its name).
//   node-modules DIR    prints the checkout's node_modules folders the staged copy links to.
//   tests DIR           prints the Jest test files package.json's config selects, one a line, each
//                       after `child` when it starts child processes through process.execPath, else `-`.
//   jest-summary JSON [DIR]  one line from a Jest --json result: suites and tests passed/total and
//                       the failing test files (relative to DIR) with their failure counts; exit
//                       status 1 unless all passed.

const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const ROOT = fs.realpathSync(path.join(__dirname, '..'))
const [cmd, ...args] = process.argv.slice(2)

function packageDirs(files) {
  // folders of the checkout with a package.json and a node_modules next to it
  const dirs = new Set(['.'])
  for (const f of files) if (path.basename(f) === 'package.json' && !f.split('/').includes('node_modules')) dirs.add(path.dirname(f))
  return [...dirs].filter((d) => fs.existsSync(path.join(ROOT, d, 'node_modules'))).sort()
}

function listFiles() {
  const out = execFileSync('git', ['-C', ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8', maxBuffer: 64 << 20 })
  return [...new Set(out.split('\0').filter(Boolean))].filter((f) => {
    try {
      const st = fs.lstatSync(path.join(ROOT, f))
      return st.isFile() || st.isSymbolicLink()
    } catch {
      return false // tracked but deleted in the working tree
    }
  })
}

function isInside(child, parent) {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

function linkFarm(stage, dir) {
  const src = path.join(ROOT, dir, 'node_modules')
  const dst = path.join(stage, dir, 'node_modules')
  fs.rmSync(dst, { recursive: true, force: true }) // only symlinks and scope folders live there
  fs.mkdirSync(dst, { recursive: true })
  const realRoot = fs.realpathSync(ROOT)
  let links = 0
  let redirected = []
  const link = (name) => {
    const from = path.join(src, name)
    let target = from
    try {
      if (fs.lstatSync(from).isSymbolicLink()) {
        const real = fs.realpathSync(from)
        // a link into the checkout that is not an installed package: stage's own copy instead
        if (isInside(real, realRoot) && !path.relative(realRoot, real).split(path.sep).includes('node_modules')) {
          target = path.join(stage, path.relative(realRoot, real))
          redirected.push(`${path.join(dir, 'node_modules', name)} → ${path.relative(stage, target) || '.'}`)
        }
      }
    } catch {
      return // a dangling link: leave it out
    }
    fs.symlinkSync(target, path.join(dst, name))
    links++
  }
  for (const name of fs.readdirSync(src)) {
    if (name === '.package-lock.json' || name === '.cache') continue
    if (name.startsWith('@') && fs.statSync(path.join(src, name)).isDirectory() && !fs.lstatSync(path.join(src, name)).isSymbolicLink()) {
      fs.mkdirSync(path.join(dst, name))
      for (const sub of fs.readdirSync(path.join(src, name))) link(path.join(name, sub))
    } else {
      link(name)
    }
  }
  return { dir, links, redirected }
}

function stage(dir) {
  const stageDir = path.resolve(dir)
  fs.mkdirSync(stageDir, { recursive: true })
  const files = listFiles()
  const manifestFile = path.join(stageDir, '.prove-manifest.json')
  const before = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : []
  const now = new Set(files)
  let removed = 0
  for (const f of before) {
    if (!now.has(f)) {
      fs.rmSync(path.join(stageDir, f), { force: true })
      removed++
    }
  }
  let copied = 0
  for (const f of files) {
    const from = path.join(ROOT, f)
    const to = path.join(stageDir, f)
    const st = fs.lstatSync(from)
    let cur = null
    try {
      cur = fs.lstatSync(to)
    } catch {}
    if (st.isSymbolicLink()) {
      if (cur) fs.rmSync(to, { force: true })
      fs.mkdirSync(path.dirname(to), { recursive: true })
      fs.symlinkSync(fs.readlinkSync(from), to)
      continue
    }
    if (cur && cur.isFile() && cur.size === st.size && cur.mtimeMs === st.mtimeMs && (cur.mode & 0o777) === (st.mode & 0o777)) continue
    if (cur) fs.rmSync(to, { recursive: true, force: true })
    fs.mkdirSync(path.dirname(to), { recursive: true })
    fs.copyFileSync(from, to)
    fs.chmodSync(to, st.mode & 0o777)
    fs.utimesSync(to, st.atime, st.mtime)
    copied++
  }
  fs.writeFileSync(manifestFile, JSON.stringify(files))
  const farms = packageDirs(files).map((d) => linkFarm(stageDir, d))
  console.log(`staged ${files.length} files into ${stageDir} (${copied} copied, ${removed} removed)`)
  for (const f of farms) {
    console.log(`  ${path.join(f.dir, 'node_modules')}: ${f.links} links to the checkout's packages`)
    for (const r of f.redirected) console.log(`    ${r} (the staged copy)`)
  }
}

function place(dir, file) {
  const stageDir = path.resolve(dir)
  for (const f of fs.readdirSync(stageDir)) if (f.endsWith('.node')) fs.rmSync(path.join(stageDir, f))
  fs.copyFileSync(file, path.join(stageDir, path.basename(file)))
  console.log(`${path.basename(file)} → ${stageDir}`)
}

function testFiles(stageDir) {
  // the test files package.json's Jest config selects (listed by Jest itself)
  const jest = path.join(stageDir, 'node_modules', 'jest', 'bin', 'jest.js')
  const out = execFileSync(process.execPath, [jest, '--config', path.join(stageDir, 'package.json'), '--listTests', '--json'], { cwd: stageDir, encoding: 'utf8' })
  return JSON.parse(out)
}

switch (cmd) {
  case 'stage':
    stage(args[0])
    break
  case 'place':
    place(args[0], args[1])
    break
  case 'node-modules':
    for (const d of packageDirs(listFiles())) console.log(path.join(ROOT, d, 'node_modules'))
    break
  case 'tests':
    for (const f of testFiles(path.resolve(args[0])).sort()) {
      console.log(`${fs.readFileSync(f, 'utf8').includes('process.execPath') ? 'child' : '-'} ${f}`)
    }
    break
  case 'jest-summary': {
    let r
    try {
      r = JSON.parse(fs.readFileSync(args[0], 'utf8'))
    } catch (e) {
      console.log(`no Jest result (${e.code || e.message})`)
      process.exit(1)
    }
    const failed = new Map() // test file → failed tests (or 1 when the file itself failed to run)
    for (const s of r.testResults || []) {
      const n = (s.assertionResults || []).filter((t) => t.status === 'failed').length
      if (n || s.status === 'failed') failed.set(path.relative(args[1] || path.dirname(s.name), s.name), n || 'did not run')
    }
    const ok = r.success && r.numFailedTests === 0 && r.numFailedTestSuites === 0 && r.numRuntimeErrorTestSuites === 0 && r.numTotalTests > 0
    console.log(
      `${ok ? 'PASS' : 'FAIL'} ${r.numPassedTestSuites}/${r.numTotalTestSuites} suites, ${r.numPassedTests}/${r.numTotalTests} tests` +
        (r.numPendingTests ? `, ${r.numPendingTests} skipped` : '') +
        (failed.size ? ` (failing: ${[...failed].map(([f, n]) => `${f} ${n}`).join(', ')})` : ''),
    )
    process.exit(ok ? 0 : 1)
  }
  default:
    console.error('usage: prove-platforms-stage.js stage DIR | place DIR FILE | node-modules | tests DIR | jest-summary JSON [DIR]')
    process.exit(2)
}
