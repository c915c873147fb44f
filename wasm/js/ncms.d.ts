// Type declarations for ncms.js. Amounts are decimal strings ("8432.00") throughout:
// the types say `Amount`, which is a string, and nothing here is a Number of yuan.

/** A decimal amount in yuan with at most two decimals, as a JSON string: "12.30". */
export type Amount = string;
/** A ratio as a decimal string between 0 and 1: "0.55". */
export type Rate = string;
/** A calendar date, YYYY-MM-DD. */
export type CivilDate = string;

/** The engine's operations, by their wire names. */
export type Operation =
  | 'settle' | 'estimate' | 'verify_card' | 'validate_roster' | 'check_id' | 'card_fee'
  | 'load_policy' | 'list_policies' | 'get_policy' | 'version';

export declare const operations: readonly Operation[];

/** One problem with a request. Match on code, never on the messages. */
export interface EngineError {
  /** A stable code with its layer as prefix: "amount_precision", "policy_not_found", "engine_internal". */
  code: string;
  /** An RFC 6901 JSON pointer to the field, "" for the whole request. */
  path: string;
  message: string;
  messageZh: string;
}

/** Every response: a result, or every error found, sorted by path. */
export type Envelope<R = unknown> =
  | { schema: 1; ok: true; result: R; errors?: undefined }
  | { schema: 1; ok: false; result?: undefined; errors: EngineError[] };

/** A request: JSON text, UTF-8 bytes, or an object passed through JSON.stringify. */
export type Request = string | Uint8Array | ArrayBuffer | ArrayBufferView | object;

export interface PolicyInfo {
  id: string;
  version: string;
  name: string;
  region: string;
  scheme: string;
  effective: { from: CivilDate; to?: CivilDate };
  source: string;
  illustrative: boolean;
  hash: string;
}

export interface VersionInfo {
  engine: string;
  schema: 1;
  operations: Operation[];
  policies: { id: string; version: string; hash: string }[];
}

/** The parts of a settlement result most callers read; the result has more. */
export interface SettleResult {
  claim: string;
  policy: { id: string; version: string; hash: string };
  engine: string;
  eligible: boolean;
  route: string;
  total: Amount;
  selfPaid: Amount;
  overLimit: Amount;
  scope: Amount;
  deductible: Amount;
  fundTotal: Amount;
  familyAccount: Amount;
  cash: Amount;
  personal: Amount;
  hospital: Amount;
  effectiveRatio: Rate;
  funds: { fund: string; name: string; kind: string; base: Amount; paid: Amount; [k: string]: unknown }[];
  warnings: { code: string; [k: string]: unknown }[];
  trace: unknown[];
  [k: string]: unknown;
}

export interface Engine {
  /**
   * Runs operation op on request and returns the response envelope as JSON text,
   * byte for byte what the native Go engine returns. Bad input is an error envelope;
   * it throws only if the module traps, after which every call throws.
   */
  call(op: Operation | string, request?: Request | null): string;
  /** call with UTF-8 bytes out. */
  callBytes(op: Operation | string, request?: Request | null): Uint8Array;

  settle(request: Request): Envelope<SettleResult>;
  /** settle without a visit id, for an estimate. */
  estimate(request: Request): Envelope<SettleResult>;
  verifyCard(request: Request): Envelope<{
    valid: boolean; owner: string; enrolled: boolean; waiting: boolean;
    benefitsFrom: CivilDate; benefitTier: string; problems: EngineError[];
  }>;
  /** request: {schema: 1, policy, today, rows}; today is required, as for checkId. */
  validateRoster(request: Request): Envelope<{ valid: boolean; rows: number; problems: EngineError[] }>;
  /** request: {schema: 1, id, today}; today is required (field_required at /today), the engine reads no clock. */
  checkId(request: Request): Envelope<{
    number: string; region: string; birth: CivilDate; sequence: string; male: boolean; upgraded: boolean;
  }>;
  cardFee(request: Request): Envelope<{ fee: Amount }>;
  /** Adds a policy document to this instance's engine (each load() has its own). */
  loadPolicy(document: Request): Envelope<PolicyInfo>;
  listPolicies(): Envelope<PolicyInfo[]>;
  /** The policy document in canonical form. */
  getPolicy(request: Request): Envelope<Record<string, unknown>>;
  version(): Envelope<VersionInfo>;
}

/** Where the module comes from: bytes, a compiled module, a Response, or a URL or path. */
export type Source =
  | BufferSource
  | WebAssembly.Module
  | Response
  | PromiseLike<Response>
  | URL
  | string;

export interface LoadOptions {
  /** Receives what the module writes to standard error; console.error by default. */
  stderr?: (text: string) => void;
}

/**
 * Compiles and instantiates ncms.wasm (by default the file next to ncms.js) and
 * returns its engine, with the example policies loaded.
 */
export declare function load(source?: Source | PromiseLike<Source>, options?: LoadOptions): Promise<Engine>;

/** Thrown when the module calls proc_exit (a fatal runtime error). */
export declare class WasiExit extends Error {
  readonly code: number;
  constructor(code: number);
}
