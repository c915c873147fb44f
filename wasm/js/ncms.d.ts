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
  /** The scheme's name in English, when the policy gives one. */
  nameEn?: string;
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

/** A language the engine explains results in. */
export type Lang = 'zh' | 'en';

/** A settle or estimate request. */
export interface SettleRequest {
  schema: 1;
  policy: string;
  /** Pins a policy version; absent selects the version in effect on the visit. */
  version?: string;
  claim: Record<string, unknown>;
  /**
   * Asks for the result explained in Chinese or English: each trace step's `text` and
   * `clause`, fund names in the language. Absent, the result has no sentences. Any
   * other value is an error at /lang.
   */
  lang?: Lang;
}

/** One fund's payment, with its annual cap as it applied to this visit. */
export interface Fund {
  fund: string;
  /** The fund's name: in the requested lang when the policy gives one, else the policy's own. */
  name: string;
  kind: string;
  base: Amount;
  /** What the cap still allowed before this payment; null for a fund without a cap. */
  available: Amount | null;
  amount: Amount;
  /** The annual cap (raised for continuity, or a benefit's lower cap); null without a cap. */
  cap: Amount | null;
  /** What the fund had paid this year before this visit; null without a cap. */
  paidBefore: Amount | null;
  /** What the cap still allows after this payment; null without a cap. */
  left: Amount | null;
}

/** One step of a settlement: a decision, the rule behind it, what went in and out. */
export interface TraceStep {
  seq: number;
  stage: string;
  /** A JSON pointer into the policy document; "" for the final cash step. */
  rule: string;
  note: string;
  in: { name: string; value: string }[];
  out: { name: string; value: string }[];
  /** The step as a sentence in the requested lang; only with lang. */
  text?: string;
  /** The clause of the printed scheme it cites ("第五条 起付线"); only with lang, when there is one. */
  clause?: string;
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
  funds: Fund[];
  warnings: { code: string; message: string; messageZh: string }[];
  trace: TraceStep[];
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

  settle(request: SettleRequest | Request): Envelope<SettleResult>;
  /** settle without a visit id, for an estimate. */
  estimate(request: SettleRequest | Request): Envelope<SettleResult>;
  verifyCard(request: Request): Envelope<{
    valid: boolean; owner: string; enrolled: boolean; waiting: boolean;
    benefitsFrom: CivilDate; benefitTier: string; problems: EngineError[];
  }>;
  validateRoster(request: Request): Envelope<{ valid: boolean; rows: number; problems: EngineError[] }>;
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
