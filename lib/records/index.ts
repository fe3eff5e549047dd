// Experiment records: the format, files, and comparison (Node only).
export { diffRecords, diffValues, formatDifferences, type RecordDifference } from "./diff.js";
export {
  canonicalJson,
  type ExperimentRecord,
  hashValue,
  meets,
  targetsMet,
  parseRecord,
  RECORD_FORMAT,
  RECORD_VERSION,
  type RecordedEpoch,
  sealRecord,
  type Target,
  type TargetResult,
} from "./record.js";
export { parseRecordsArgs, RECORDS_USAGE, type RecordsArgs } from "./args.js";
export {
  listRecords,
  MAX_RECORD_BYTES,
  readRecord,
  recordFileName,
  recordsDir,
  writeRecord,
} from "./store.js";
