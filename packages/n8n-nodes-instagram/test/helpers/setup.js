'use strict'
// Per-test timeout for this project (testTimeout is a global option, ignored inside `projects`).
jest.setTimeout(30000)
