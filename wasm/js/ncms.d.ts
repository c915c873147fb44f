// Type declarations for ncms.js. Amounts are decimal strings ("8432.00") throughout:
// the types say `Amount`, which is a string, and nothing here is a Number of yuan.
//
// The result types are exactly what the engine emits today (core/settle, core/engine):
// no index signatures, so reading a field the engine does not send is a type error.
// `go test ./wasm/js` checks them against real responses to every conformance vector.
//
// They need no DOM lib: they type-check under `--lib es2022` alone. The fetch Response,
// URL and WebAssembly.Module a caller may pass to load() are typed as the program's own
// globals where its libraries declare them (lib "dom", "webworker" or @types/node), and
// drop out of Source where they are not.

/** A decimal amount in yuan with at most two decimals, as a JSON string: "12.30". */
export type Amount = string;
/** A ratio as a decimal string between 0 and 1: "0.55". */
export type Rate = string;
/** A calendar date, YYYY-MM-DD; "" where there is none. */
export type CivilDate = string;

/** What each operation's result is, by the operation's wire name. */
export interface Results {
  settle: SettleResult;
  /** settle without a visit id, for a patient's own estimate. */
  estimate: SettleResult;
  verify_card: VerifyCardResult;
  validate_roster: RosterResult;
  check_id: ResidentID;
  card_fee: CardFeeResult;
  load_policy: PolicyInfo;
  list_policies: PolicyInfo[];
  get_policy: PolicyDocument;
  version: VersionInfo;
}

/** The engine's operations, by their wire names. */
export type Operation = keyof Results;

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

/** Identifies the exact rules a result was computed under. */
export interface PolicyRef {
  id: string;
  version: string;
  hash: string;
}

export interface PolicyInfo {
  id: string;
  version: string;
  name: string;
  /** The scheme's name in English, when the policy gives one. */
  nameEn?: string;
  region: string;
  scheme: string;
  /** to is "" for a policy in effect until further notice. */
  effective: { from: CivilDate; to: CivilDate };
  source: string;
  illustrative: boolean;
  hash: string;
}

/** A policy document in canonical form (core/policy, RULES.md); its head is typed here. */
export interface PolicyDocument {
  schema: 1;
  id: string;
  version: string;
  name: string;
  [field: string]: unknown;
}

export interface VersionInfo {
  engine: string;
  schema: 1;
  operations: Operation[];
  policies: PolicyRef[];
}

/** The path a claim took through the policy. */
export type Route = 'benefit' | 'single_disease' | 'maternity' | 'ineligible' | 'not_covered';

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
  /**
   * Asks for the result in an integrator's terms as well: "national" adds `national`,
   * the national settlement interface's setlinfo and setldetail. Absent, the result is
   * the engine's alone. Any other value is an error at /profile.
   */
  profile?: Profile;
}

/** An output profile a settlement can be asked for in. */
export type Profile = 'national';

/** The national settlement interface's settlement (结算信息); README.md says how each comes from the result. */
export interface NationalSetlInfo {
  medfee_sumamt: Amount;
  fulamt_ownpay_amt: Amount;
  overlmt_selfpay: Amount;
  preselfpay_amt: Amount;
  inscp_scp_amt: Amount;
  act_pay_dedc: Amount;
  hifp_pay: Amount;
  hifmi_pay: Amount;
  maf_pay: Amount;
  oth_pay: Amount;
  fund_pay_sumamt: Amount;
  psn_part_amt: Amount;
  acct_pay: Amount;
  psn_cash_pay: Amount;
  hosp_part_amt: Amount;
}

/** One fund that paid, in the national interface's terms (结算基金分项信息). */
export interface NationalSetlDetail {
  /** The national fund type code (基金支付类型), e.g. "390100". */
  fund_pay_type: string;
  inscp_scp_amt: Amount;
  /** What the fund's cap still allowed; null when it has no cap. */
  crt_payb_lmt_amt: Amount | null;
  fund_payamt: Amount;
  setl_proc_info: string;
}

/** A settlement in the national settlement interface's terms. */
export interface National {
  setlinfo: NationalSetlInfo;
  setldetail: NationalSetlDetail[];
}

/** One fund's payment, with its annual cap as it applied to this visit. */
export interface Fund {
  fund: string;
  name: string;
  /** "basic", "single_disease", "maternity", or the kind of a policy layer. */
  kind: string;
  /** The amount the fund's rule was applied to. */
  base: Amount;
  /** What the fund's cap still allowed before this payment; null when it has no cap. */
  available: Amount | null;
  amount: Amount;
  /** The annual cap (raised for continuity, or a benefit's lower cap); null without a cap. */
  cap: Amount | null;
  /** What the fund had paid this year before this visit; null without a cap. */
  paidBefore: Amount | null;
  /** What the cap still allows after this payment; null without a cap. */
  left: Amount | null;
}

/** What one pool or layer has done for the person this year. */
export interface FundTotal {
  fund: string;
  paid: Amount;
  /** The cumulative base of a layer whose basis is the year. */
  base: Amount;
  /** What the person has paid towards a per-year deductible. */
  deductible: Amount;
  visits: number;
}

/**
 * A person's year-to-date figures: a claim's `totals` going in, the result's
 * `totalsAfter` coming out (the next claim's `totals`). A year of 0 means nothing yet.
 */
export interface Totals {
  year: number;
  funds: FundTotal[];
  admissions: { class: string; count: number }[];
  /** The household account's balance (家庭账户余额). */
  familyAccount: Amount;
}

/** Why a fund paid less than a reader might expect. */
export interface Warning {
  code: string;
  message: string;
  messageZh: string;
}

/** One decision of a settlement, with its inputs and outputs; values are canonical text. */
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

/**
 * A settlement's full breakdown: every fen of total is in exactly one of funds,
 * familyAccount, cash and hospital.
 */
export interface SettleResult {
  schema: 1;
  claim: string;
  policy: PolicyRef;
  engine: string;
  eligible: boolean;
  route: Route;
  /** The id of the benefit rule applied, "" if none. */
  benefit: string;
  total: Amount;
  /** 全自费 */
  selfPaid: Amount;
  /** 超限价 */
  overLimit: Amount;
  /** 乙类先行自付 */
  preSelfPay: Amount;
  /** 政策范围内费用 */
  scope: Amount;
  /** 起付线 applied */
  deductible: Amount;
  funds: Fund[];
  fundTotal: Amount;
  familyAccount: Amount;
  cash: Amount;
  personal: Amount;
  hospital: Amount;
  /** fundTotal ÷ (total − hospital), to four decimals (实际报销比例). */
  effectiveRatio: Rate;
  totalsAfter: Totals;
  warnings: Warning[];
  trace: TraceStep[];
  /** The national interface's terms; only with profile "national". */
  national?: National;
}

export interface VerifyCardResult {
  valid: boolean;
  /** The owner's ID number, masked. */
  owner: string;
  enrolled: boolean;
  waiting: boolean;
  benefitsFrom: CivilDate;
  benefitTier: string;
  problems: EngineError[];
}

/** How many of a result's problems had a code. */
export interface CodeCount {
  code: string;
  count: number;
}

export interface RosterResult {
  /** No problem at all: problemCount is 0. */
  valid: boolean;
  rows: number;
  /** The first 100 problems (core.MaxListed) in file order: by row, then by field name. */
  problems: EngineError[];
  /** Every problem, listed or not. */
  problemCount: number;
  /** Every problem counted by code, sorted by code; empty for a valid roster. */
  problemCodes: CodeCount[];
}

/** A parsed resident ID number (居民身份证号码). */
export interface ResidentID {
  /** The 18-character form with an upper-case X, also for an upgraded 15-digit number. */
  number: string;
  region: string;
  birth: CivilDate;
  sequence: string;
  male: boolean;
  /** true when the input was an old 15-digit number (一代证). */
  upgraded: boolean;
}

export interface CardFeeResult {
  fee: Amount;
}

export interface Engine {
  /**
   * Runs operation op on request and returns the response envelope as JSON text,
   * byte for byte what the native Go engine returns. Bad input is an error envelope;
   * it throws only if the module traps, after which every call throws.
   */
  call(op: Operation | (string & {}), request?: Request | null): string;
  /** call with UTF-8 bytes out. */
  callBytes(op: Operation | (string & {}), request?: Request | null): Uint8Array;

  settle(request: SettleRequest | Request): Envelope<SettleResult>;
  /** settle without a visit id, for an estimate. */
  estimate(request: SettleRequest | Request): Envelope<SettleResult>;
  verifyCard(request: Request): Envelope<VerifyCardResult>;
  /** request: {schema: 1, policy, today, rows}; today is required, as for checkId. */
  validateRoster(request: Request): Envelope<RosterResult>;
  /** request: {schema: 1, id, today}; today is required (field_required at /today), the engine reads no clock. */
  checkId(request: Request): Envelope<ResidentID>;
  cardFee(request: Request): Envelope<CardFeeResult>;
  /** Adds a policy document to this instance's engine (each load() has its own). */
  loadPolicy(document: Request): Envelope<PolicyInfo>;
  listPolicies(): Envelope<PolicyInfo[]>;
  /** The policy document in canonical form. */
  getPolicy(request: Request): Envelope<PolicyDocument>;
  version(): Envelope<VersionInfo>;
}

// Global<K> is the instance type of the global class K (its prototype's type) where
// the program's libraries declare it, and never where they do not: so Source names
// Response and URL without requiring lib "dom".
type Global<K extends string> = typeof globalThis extends Record<K, { prototype: infer T }> ? T : never;
type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer T } } } ? T : never;

/**
 * Where the module comes from: its bytes, a compiled WebAssembly.Module, a fetch
 * Response (as fetch returns it, or a Promise of one: see load), or a URL or a path
 * (fetched in browsers; read from disk for file: URLs and paths in Node).
 */
export type Source = ArrayBuffer | ArrayBufferView | WasmModule | Global<'Response'> | Global<'URL'> | string;

export interface LoadOptions {
  /** Receives what the module writes to standard error; console.error by default. */
  stderr?: (text: string) => void;
}

/**
 * Compiles and instantiates ncms.wasm (by default the file next to ncms.js) and
 * returns its engine, with the example policies loaded.
 */
export declare function load(source?: Source | PromiseLike<Source> | null, options?: LoadOptions): Promise<Engine>;

/** Thrown when the module calls proc_exit (a fatal runtime error). */
export declare class WasiExit extends Error {
  readonly code: number;
  constructor(code: number);
}
