// Starts a PLC directory and a Bluesky PDS (the reference implementation's test network),
// creates one account, and prints what the tests need as one JSON line on stdout.
import { TestNetworkNoAppView } from '@atproto/dev-env'

const port = Number(process.argv[2] || 0)
const network = await TestNetworkNoAppView.create({ pds: { port } })
const url = network.pds.url
const answer = await fetch(`${url}/xrpc/com.atproto.server.createAccount`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: 'alice@example.test', handle: 'alice.test', password: 'alice-pass' }),
})
const account = await answer.json()
const app = await fetch(`${url}/xrpc/com.atproto.server.createAppPassword`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${account.accessJwt}` },
  body: JSON.stringify({ name: 'amplify' }),
})
const password = (await app.json()).password
console.log(JSON.stringify({ url, handle: account.handle, did: account.did, password }))
const stop = async () => { await network.close(); process.exit(0) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
