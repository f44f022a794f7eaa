'use strict'
// The project's mock Meta Graph API server (see graph-server.js).
module.exports = require('./graph-server')
