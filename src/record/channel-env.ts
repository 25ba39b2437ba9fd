// transitional: runtime/recording.ts still imports this; the names live in src/shared/record-channel.ts.
export { RECORD_ENV } from '../shared/record-channel';
