// The identity table's DynamoDB for a benchmark run: dynalite in memory, in its own process on
// 127.0.0.1:PORT, so its CPU is not Tollgate's (on Lambda, DynamoDB is a network round trip away too).
// Tollgate's local server reaches it through DYNAMODB_ENDPOINT and creates its table on start.
import dynalite from 'dynalite';

if (import.meta.main) {
  dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }).listen(Number(process.env['PORT']), '127.0.0.1');
}
