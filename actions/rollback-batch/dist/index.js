import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 3018:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4632);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .eF)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 4632:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  eF: () => (/* binding */ run)
});

// UNUSED EXPORTS: ACTION, checkBatchId, readInputs

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: ../../packages/core/src/json/parse.ts
// A small JSON parser that keeps where every value sits in the text.
//
// JSON.parse gives values but no positions, and its error messages differ
// between Node versions. The control file needs both: errors that name the
// line, and a writer that edits only the bytes of the values that changed.
class parse_JsonSyntaxError extends Error {
    problem;
    offset;
    position;
    constructor(problem, offset, position) {
        super(`${problem} at line ${position.line}, column ${position.column}`);
        this.problem = problem;
        this.offset = offset;
        this.position = position;
        this.name = 'JsonSyntaxError';
    }
}
function parse_positionAt(text, offset) {
    let line = 1;
    let lineStart = 0;
    const end = Math.min(offset, text.length);
    for (let i = 0; i < end; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, column: end - lineStart + 1 };
}
const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
function parse_parseJson(text) {
    let i = 0;
    // A UTF-8 byte order mark is tolerated, as editors write one.
    if (text.charCodeAt(0) === 0xfeff)
        i = 1;
    const fail = (problem, at = i) => {
        throw new parse_JsonSyntaxError(problem, at, parse_positionAt(text, at));
    };
    const skip = () => {
        while (i < text.length && WS.has(text.charCodeAt(i)))
            i++;
    };
    const describe = (at) => at >= text.length ? 'end of file' : `'${text[at]}'`;
    const parseString = () => {
        const start = i;
        i++; // opening quote
        let out = '';
        let chunk = i;
        for (;;) {
            if (i >= text.length)
                fail('unterminated string', start);
            const c = text.charCodeAt(i);
            if (c === 0x22) {
                out += text.slice(chunk, i);
                i++;
                return out;
            }
            if (c < 0x20)
                fail('control character in string (escape it)');
            if (c === 0x5c) {
                out += text.slice(chunk, i);
                const e = text[i + 1];
                switch (e) {
                    case '"':
                        out += '"';
                        break;
                    case '\\':
                        out += '\\';
                        break;
                    case '/':
                        out += '/';
                        break;
                    case 'b':
                        out += '\b';
                        break;
                    case 'f':
                        out += '\f';
                        break;
                    case 'n':
                        out += '\n';
                        break;
                    case 'r':
                        out += '\r';
                        break;
                    case 't':
                        out += '\t';
                        break;
                    case 'u': {
                        const hex = text.slice(i + 2, i + 6);
                        if (!/^[0-9a-fA-F]{4}$/.test(hex))
                            fail('bad \\u escape in string');
                        out += String.fromCharCode(parseInt(hex, 16));
                        i += 4;
                        break;
                    }
                    default:
                        fail('bad escape in string');
                }
                i += 2;
                chunk = i;
                continue;
            }
            i++;
        }
    };
    const parseValue = () => {
        skip();
        const start = i;
        const c = text[i];
        if (c === '{') {
            i++;
            const members = [];
            const value = {};
            skip();
            if (text[i] === '}') {
                i++;
                return { kind: 'object', start, end: i, members, value };
            }
            for (;;) {
                skip();
                if (text[i] !== '"')
                    fail(`expected a property name in double quotes, found ${describe(i)}`);
                const keyStart = i;
                const key = parseString();
                skip();
                if (text[i] !== ':')
                    fail(`expected ':' after property name, found ${describe(i)}`);
                i++;
                const node = parseValue();
                members.push({ key, keyStart, node });
                Object.defineProperty(value, key, { value: node.value, enumerable: true, writable: true, configurable: true });
                skip();
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === '}') {
                    i++;
                    return { kind: 'object', start, end: i, members, value };
                }
                fail(`expected ',' or '}' after a property value, found ${describe(i)}`);
            }
        }
        if (c === '[') {
            i++;
            const items = [];
            skip();
            if (text[i] === ']') {
                i++;
                return { kind: 'array', start, end: i, items, value: [] };
            }
            for (;;) {
                items.push(parseValue());
                skip();
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === ']') {
                    i++;
                    return { kind: 'array', start, end: i, items, value: items.map((n) => n.value) };
                }
                fail(`expected ',' or ']' after an array element, found ${describe(i)}`);
            }
        }
        if (c === '"') {
            const value = parseString();
            return { kind: 'string', start, end: i, value };
        }
        if (text.startsWith('true', i)) {
            i += 4;
            return { kind: 'boolean', start, end: i, value: true };
        }
        if (text.startsWith('false', i)) {
            i += 5;
            return { kind: 'boolean', start, end: i, value: false };
        }
        if (text.startsWith('null', i)) {
            i += 4;
            return { kind: 'null', start, end: i, value: null };
        }
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (m && m[0].length > 0) {
            i += m[0].length;
            return { kind: 'number', start, end: i, value: Number(m[0]) };
        }
        return fail(`unexpected ${describe(i)}, expected a JSON value`);
    };
    const root = parseValue();
    skip();
    if (i < text.length)
        fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return root;
}
/** JSON Pointer segments → the node there, or the deepest ancestor that exists. */
function parse_nodeAt(root, path) {
    let node = root;
    let keyStart;
    for (const segment of path) {
        if (node.kind === 'object') {
            const member = lastMember(node, segment);
            if (!member)
                break;
            node = member.node;
            keyStart = member.keyStart;
        }
        else if (node.kind === 'array') {
            const child = node.items?.[Number(segment)];
            if (!child)
                break;
            node = child;
            keyStart = undefined;
        }
        else
            break;
    }
    return keyStart === undefined ? { node } : { node, keyStart };
}
function lastMember(node, key) {
    const members = node.members ?? [];
    for (let k = members.length - 1; k >= 0; k--)
        if (members[k].key === key)
            return members[k];
    return undefined;
}
/** Parses an RFC 6901 pointer ("/a/b~1c") into segments. */
function parse_pointerSegments(pointer) {
    if (pointer === '')
        return [];
    return pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
/** Segments → a readable JSON path such as `circuit_breaker["crates.io"].state`. */
function parse_formatJsonPath(path) {
    let out = '$';
    for (const s of path) {
        if (/^\d+$/.test(s))
            out += `[${s}]`;
        else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s))
            out += `.${s}`;
        else
            out += `[${JSON.stringify(s)}]`;
    }
    return out;
}

;// CONCATENATED MODULE: ../../packages/core/src/json/edit.ts
// A JSON writer that changes only what changed.
//
// Given the original text and the new value, it replaces the bytes of the
// values that differ, removes members that went away and appends new ones at
// the end of their object. Everything else (unknown fields, key order,
// spacing, the final newline) stays byte for byte.

function edit_isJsonObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function edit_jsonEqual(a, b) {
    if (a === b)
        return true;
    if (a === null || b === null || a === undefined || b === undefined)
        return false;
    if (Array.isArray(a)) {
        if (!Array.isArray(b) || a.length !== b.length)
            return false;
        return a.every((x, i) => edit_jsonEqual(x, b[i]));
    }
    if (edit_isJsonObject(a)) {
        if (!edit_isJsonObject(b))
            return false;
        const ka = Object.keys(a);
        const kb = Object.keys(b);
        if (ka.length !== kb.length)
            return false;
        return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && edit_jsonEqual(a[k], b[k]));
    }
    return false;
}
function detectStyle(text, root) {
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    const first = root.members?.[0];
    if (first) {
        const lineStart = text.lastIndexOf('\n', first.keyStart) + 1;
        const lead = text.slice(lineStart, first.keyStart);
        if (lineStart > 0 && /^[ \t]+$/.test(lead))
            return { indent: lead, newline };
    }
    return { indent: '  ', newline };
}
/** Canonical form for new files: 2-space indentation and a final newline. */
function edit_stringifyJson(value) {
    return JSON.stringify(value, null, 2) + '\n';
}
function serializeAt(value, depth, style) {
    const body = JSON.stringify(value, null, style.indent);
    const pad = style.indent.repeat(depth);
    return body.split('\n').join(style.newline + pad);
}
function collect(node, next, depth, style, out) {
    if (edit_jsonEqual(node.value, next))
        return;
    const members = node.members ?? [];
    if (node.kind !== 'object' || !edit_isJsonObject(next) || members.length === 0) {
        out.push({ start: node.start, end: node.end, text: serializeAt(next, depth, style) });
        return;
    }
    // The last occurrence of a key is the one that counts (as in JSON.parse).
    const lastIndex = new Map();
    members.forEach((m, i) => lastIndex.set(m.key, i));
    const kept = [];
    const removed = new Set();
    members.forEach((m, i) => {
        // A key that went away goes with every occurrence, or an earlier duplicate would bring it back.
        if (!Object.prototype.hasOwnProperty.call(next, m.key))
            return void removed.add(i);
        kept.push(i);
        // An earlier duplicate of a kept key stays as it is: the last one counts.
        if (lastIndex.get(m.key) === i)
            collect(m.node, next[m.key], depth + 1, style, out);
    });
    const added = Object.keys(next).filter((k) => !lastIndex.has(k));
    if (kept.length === 0) {
        out.push({ start: node.start, end: node.end, text: serializeAt(next, depth, style) });
        return;
    }
    const lastKept = kept[kept.length - 1];
    for (const i of removed) {
        if (i < lastKept)
            out.push({ start: members[i].keyStart, end: members[i + 1].keyStart, text: '' });
    }
    const pad = style.newline + style.indent.repeat(depth + 1);
    const insertion = added
        .map((k) => `,${pad}${JSON.stringify(k)}: ${serializeAt(next[k], depth + 1, style)}`)
        .join('');
    const tailStart = members[lastKept].node.end;
    const tailEnd = removed.has(members.length - 1) ? members[members.length - 1].node.end : tailStart;
    if (insertion !== '' || tailEnd !== tailStart)
        out.push({ start: tailStart, end: tailEnd, text: insertion });
}
/**
 * Rewrites `text` so that it holds `next`, touching only the parts that differ.
 * `text` must be valid JSON; `root` may be passed when it is already parsed.
 */
function edit_editJson(text, next, root = parseJson(text)) {
    const style = detectStyle(text, root);
    const splices = [];
    collect(root, next, 0, style, splices);
    splices.sort((a, b) => b.start - a.start);
    let out = text;
    for (const s of splices)
        out = out.slice(0, s.start) + s.text + out.slice(s.end);
    return out;
}

;// CONCATENATED MODULE: ../../packages/core/src/control/schema-validator.generated.js
// Generated by scripts/gen-validator.mjs from packages/core/schema/batch-control.schema.json. Do not edit.

const schema_validator_generated_validate = (/* unused pure expression or super */ null && (validate10));
/* harmony default export */ const schema_validator_generated = ((/* unused pure expression or super */ null && (validate10)));
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://batch-ops.dev/schema/batch-control.schema.json","title":"batch-ops control file (batch-control.json)","description":"The repository-primary control plane of an auto-merging batch pipeline. Unknown fields are allowed and kept by every batch-ops rewrite.","type":"object","definitions":{"ecosystem":{"type":"string","pattern":"^[a-z0-9][a-z0-9._-]{0,63}$","description":"An ecosystem name such as homebrew or crates.io: lower case letters, digits, '.', '_' and '-', at most 64 characters."},"timestampOrEmpty":{"type":"string","anyOf":[{"const":""},{"pattern":"^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"}],"description":"An RFC 3339 timestamp (written as YYYY-MM-DDTHH:MM:SSZ), or \"\"."},"breaker":{"type":"object","required":["state"],"properties":{"state":{"enum":["closed","open","half-open"]},"failures":{"type":"integer","minimum":0,"description":"Consecutive failed attempts."},"last_failure":{"$ref":"#/definitions/timestampOrEmpty"},"opens_at":{"$ref":"#/definitions/timestampOrEmpty","description":"When an open breaker may be probed."},"window":{"type":"string","pattern":"^[SF]*$","description":"The last attempts, oldest first: S success, F failure."},"trips":{"type":"integer","minimum":0,"description":"Consecutive re-opens from half-open."},"probe":{"type":"object","required":["claimed_at","run_id"],"properties":{"claimed_at":{"$ref":"#/definitions/timestampOrEmpty"},"run_id":{"type":["string","integer"]}}}}}},"properties":{"enabled":{"type":"boolean","description":"Master switch. Missing means true; false stops every batch."},"disabled_ecosystems":{"type":"array","items":{"$ref":"#/definitions/ecosystem"},"description":"Ecosystems paused by an operator."},"reason":{"type":"string"},"incident_url":{"type":"string"},"disabled_by":{"type":"string"},"disabled_at":{"$ref":"#/definitions/timestampOrEmpty"},"expected_resume":{"$ref":"#/definitions/timestampOrEmpty"},"circuit_breaker":{"type":"object","propertyNames":{"$ref":"#/definitions/ecosystem"},"additionalProperties":{"$ref":"#/definitions/breaker"}},"budget":{"type":"object","properties":{"macos_minutes_used":{"type":"number","minimum":0},"linux_minutes_used":{"type":"number","minimum":0},"windows_minutes_used":{"type":"number","minimum":0},"week_start":{"type":"string","anyOf":[{"const":""},{"pattern":"^\\d{4}-\\d{2}-\\d{2}$"},{"$ref":"#/definitions/timestampOrEmpty"}],"description":"Monday 00:00 UTC of the budget week (a date or a timestamp), or \"\"."},"sampling_active":{"type":"boolean"},"counted_job_ids":{"type":"array","items":{"type":"integer"},"description":"Workflow job IDs whose minutes record-batch has already added this week (so that a job is never counted twice)."}}},"batch_sequence":{"type":"object","required":["date","last"],"properties":{"date":{"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}$"},"last":{"type":"integer","minimum":0,"maximum":999}}}}};
const schema12 = {"type":"string","pattern":"^[a-z0-9][a-z0-9._-]{0,63}$","description":"An ecosystem name such as homebrew or crates.io: lower case letters, digits, '.', '_' and '-', at most 64 characters."};
const schema13 = {"type":"string","anyOf":[{"const":""},{"pattern":"^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"}],"description":"An RFC 3339 timestamp (written as YYYY-MM-DDTHH:MM:SSZ), or \"\"."};
const pattern0 = new RegExp("^[a-z0-9][a-z0-9._-]{0,63}$", "u");
const pattern1 = new RegExp("^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$", "u");
const pattern8 = new RegExp("^\\d{4}-\\d{2}-\\d{2}$", "u");
const schema16 = {"type":"object","required":["state"],"properties":{"state":{"enum":["closed","open","half-open"]},"failures":{"type":"integer","minimum":0,"description":"Consecutive failed attempts."},"last_failure":{"$ref":"#/definitions/timestampOrEmpty"},"opens_at":{"$ref":"#/definitions/timestampOrEmpty","description":"When an open breaker may be probed."},"window":{"type":"string","pattern":"^[SF]*$","description":"The last attempts, oldest first: S success, F failure."},"trips":{"type":"integer","minimum":0,"description":"Consecutive re-opens from half-open."},"probe":{"type":"object","required":["claimed_at","run_id"],"properties":{"claimed_at":{"$ref":"#/definitions/timestampOrEmpty"},"run_id":{"type":["string","integer"]}}}}};
const pattern6 = new RegExp("^[SF]*$", "u");

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.state === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "state"},message:"must have required property '"+"state"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.state !== undefined){
let data0 = data.state;
if(!(((data0 === "closed") || (data0 === "open")) || (data0 === "half-open"))){
const err1 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/enum",keyword:"enum",params:{allowedValues: schema16.properties.state.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.failures !== undefined){
let data1 = data.failures;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err2 = {instancePath:instancePath+"/failures",schemaPath:"#/properties/failures/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 < 0 || isNaN(data1)){
const err3 = {instancePath:instancePath+"/failures",schemaPath:"#/properties/failures/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
if(data.last_failure !== undefined){
let data2 = data.last_failure;
if(typeof data2 !== "string"){
const err4 = {instancePath:instancePath+"/last_failure",schemaPath:"#/definitions/timestampOrEmpty/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
const _errs7 = errors;
let valid2 = false;
const _errs8 = errors;
if("" !== data2){
const err5 = {instancePath:instancePath+"/last_failure",schemaPath:"#/definitions/timestampOrEmpty/anyOf/0/const",keyword:"const",params:{allowedValue: ""},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
var _valid0 = _errs8 === errors;
valid2 = valid2 || _valid0;
if(!valid2){
const _errs9 = errors;
if(typeof data2 === "string"){
if(!pattern1.test(data2)){
const err6 = {instancePath:instancePath+"/last_failure",schemaPath:"#/definitions/timestampOrEmpty/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"},message:"must match pattern \""+"^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"+"\""};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
var _valid0 = _errs9 === errors;
valid2 = valid2 || _valid0;
}
if(!valid2){
const err7 = {instancePath:instancePath+"/last_failure",schemaPath:"#/definitions/timestampOrEmpty/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
else {
errors = _errs7;
if(vErrors !== null){
if(_errs7){
vErrors.length = _errs7;
}
else {
vErrors = null;
}
}
}
}
if(data.opens_at !== undefined){
let data3 = data.opens_at;
if(typeof data3 !== "string"){
const err8 = {instancePath:instancePath+"/opens_at",schemaPath:"#/definitions/timestampOrEmpty/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
const _errs13 = errors;
let valid4 = false;
const _errs14 = errors;
if("" !== data3){
const err9 = {instancePath:instancePath+"/opens_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf/0/const",keyword:"const",params:{allowedValue: ""},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
var _valid1 = _errs14 === errors;
valid4 = valid4 || _valid1;
if(!valid4){
const _errs15 = errors;
if(typeof data3 === "string"){
if(!pattern1.test(data3)){
const err10 = {instancePath:instancePath+"/opens_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"},message:"must match pattern \""+"^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"+"\""};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
var _valid1 = _errs15 === errors;
valid4 = valid4 || _valid1;
}
if(!valid4){
const err11 = {instancePath:instancePath+"/opens_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
else {
errors = _errs13;
if(vErrors !== null){
if(_errs13){
vErrors.length = _errs13;
}
else {
vErrors = null;
}
}
}
}
if(data.window !== undefined){
let data4 = data.window;
if(typeof data4 === "string"){
if(!pattern6.test(data4)){
const err12 = {instancePath:instancePath+"/window",schemaPath:"#/properties/window/pattern",keyword:"pattern",params:{pattern: "^[SF]*$"},message:"must match pattern \""+"^[SF]*$"+"\""};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/window",schemaPath:"#/properties/window/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.trips !== undefined){
let data5 = data.trips;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err14 = {instancePath:instancePath+"/trips",schemaPath:"#/properties/trips/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 < 0 || isNaN(data5)){
const err15 = {instancePath:instancePath+"/trips",schemaPath:"#/properties/trips/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
if(data.probe !== undefined){
let data6 = data.probe;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.claimed_at === undefined){
const err16 = {instancePath:instancePath+"/probe",schemaPath:"#/properties/probe/required",keyword:"required",params:{missingProperty: "claimed_at"},message:"must have required property '"+"claimed_at"+"'"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if(data6.run_id === undefined){
const err17 = {instancePath:instancePath+"/probe",schemaPath:"#/properties/probe/required",keyword:"required",params:{missingProperty: "run_id"},message:"must have required property '"+"run_id"+"'"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data6.claimed_at !== undefined){
let data7 = data6.claimed_at;
if(typeof data7 !== "string"){
const err18 = {instancePath:instancePath+"/probe/claimed_at",schemaPath:"#/definitions/timestampOrEmpty/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
const _errs25 = errors;
let valid7 = false;
const _errs26 = errors;
if("" !== data7){
const err19 = {instancePath:instancePath+"/probe/claimed_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf/0/const",keyword:"const",params:{allowedValue: ""},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
var _valid2 = _errs26 === errors;
valid7 = valid7 || _valid2;
if(!valid7){
const _errs27 = errors;
if(typeof data7 === "string"){
if(!pattern1.test(data7)){
const err20 = {instancePath:instancePath+"/probe/claimed_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"},message:"must match pattern \""+"^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"+"\""};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
var _valid2 = _errs27 === errors;
valid7 = valid7 || _valid2;
}
if(!valid7){
const err21 = {instancePath:instancePath+"/probe/claimed_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
else {
errors = _errs25;
if(vErrors !== null){
if(_errs25){
vErrors.length = _errs25;
}
else {
vErrors = null;
}
}
}
}
if(data6.run_id !== undefined){
let data8 = data6.run_id;
if((typeof data8 !== "string") && (!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8))))){
const err22 = {instancePath:instancePath+"/probe/run_id",schemaPath:"#/properties/probe/properties/run_id/type",keyword:"type",params:{type: schema16.properties.probe.properties.run_id.type},message:"must be string,integer"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
else {
const err23 = {instancePath:instancePath+"/probe",schemaPath:"#/properties/probe/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
else {
const err24 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}


function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://batch-ops.dev/schema/batch-control.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.enabled !== undefined){
if(typeof data.enabled !== "boolean"){
const err0 = {instancePath:instancePath+"/enabled",schemaPath:"#/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.disabled_ecosystems !== undefined){
let data1 = data.disabled_ecosystems;
if(Array.isArray(data1)){
const len0 = data1.length;
for(let i0=0; i0<len0; i0++){
let data2 = data1[i0];
if(typeof data2 === "string"){
if(!pattern0.test(data2)){
const err1 = {instancePath:instancePath+"/disabled_ecosystems/" + i0,schemaPath:"#/definitions/ecosystem/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9][a-z0-9._-]{0,63}$"},message:"must match pattern \""+"^[a-z0-9][a-z0-9._-]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
else {
const err2 = {instancePath:instancePath+"/disabled_ecosystems/" + i0,schemaPath:"#/definitions/ecosystem/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
}
else {
const err3 = {instancePath:instancePath+"/disabled_ecosystems",schemaPath:"#/properties/disabled_ecosystems/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.reason !== undefined){
if(typeof data.reason !== "string"){
const err4 = {instancePath:instancePath+"/reason",schemaPath:"#/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.incident_url !== undefined){
if(typeof data.incident_url !== "string"){
const err5 = {instancePath:instancePath+"/incident_url",schemaPath:"#/properties/incident_url/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.disabled_by !== undefined){
if(typeof data.disabled_by !== "string"){
const err6 = {instancePath:instancePath+"/disabled_by",schemaPath:"#/properties/disabled_by/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.disabled_at !== undefined){
let data6 = data.disabled_at;
if(typeof data6 !== "string"){
const err7 = {instancePath:instancePath+"/disabled_at",schemaPath:"#/definitions/timestampOrEmpty/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
const _errs17 = errors;
let valid5 = false;
const _errs18 = errors;
if("" !== data6){
const err8 = {instancePath:instancePath+"/disabled_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf/0/const",keyword:"const",params:{allowedValue: ""},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
var _valid0 = _errs18 === errors;
valid5 = valid5 || _valid0;
if(!valid5){
const _errs19 = errors;
if(typeof data6 === "string"){
if(!pattern1.test(data6)){
const err9 = {instancePath:instancePath+"/disabled_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"},message:"must match pattern \""+"^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"+"\""};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
var _valid0 = _errs19 === errors;
valid5 = valid5 || _valid0;
}
if(!valid5){
const err10 = {instancePath:instancePath+"/disabled_at",schemaPath:"#/definitions/timestampOrEmpty/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
else {
errors = _errs17;
if(vErrors !== null){
if(_errs17){
vErrors.length = _errs17;
}
else {
vErrors = null;
}
}
}
}
if(data.expected_resume !== undefined){
let data7 = data.expected_resume;
if(typeof data7 !== "string"){
const err11 = {instancePath:instancePath+"/expected_resume",schemaPath:"#/definitions/timestampOrEmpty/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
const _errs23 = errors;
let valid7 = false;
const _errs24 = errors;
if("" !== data7){
const err12 = {instancePath:instancePath+"/expected_resume",schemaPath:"#/definitions/timestampOrEmpty/anyOf/0/const",keyword:"const",params:{allowedValue: ""},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
var _valid1 = _errs24 === errors;
valid7 = valid7 || _valid1;
if(!valid7){
const _errs25 = errors;
if(typeof data7 === "string"){
if(!pattern1.test(data7)){
const err13 = {instancePath:instancePath+"/expected_resume",schemaPath:"#/definitions/timestampOrEmpty/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"},message:"must match pattern \""+"^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"+"\""};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
var _valid1 = _errs25 === errors;
valid7 = valid7 || _valid1;
}
if(!valid7){
const err14 = {instancePath:instancePath+"/expected_resume",schemaPath:"#/definitions/timestampOrEmpty/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
else {
errors = _errs23;
if(vErrors !== null){
if(_errs23){
vErrors.length = _errs23;
}
else {
vErrors = null;
}
}
}
}
if(data.circuit_breaker !== undefined){
let data8 = data.circuit_breaker;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
for(const key0 in data8){
const _errs28 = errors;
if(typeof key0 === "string"){
if(!pattern0.test(key0)){
const err15 = {instancePath:instancePath+"/circuit_breaker",schemaPath:"#/definitions/ecosystem/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9][a-z0-9._-]{0,63}$"},message:"must match pattern \""+"^[a-z0-9][a-z0-9._-]{0,63}$"+"\"",propertyName:key0};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/circuit_breaker",schemaPath:"#/definitions/ecosystem/type",keyword:"type",params:{type: "string"},message:"must be string",propertyName:key0};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
var valid8 = _errs28 === errors;
if(!valid8){
const err17 = {instancePath:instancePath+"/circuit_breaker",schemaPath:"#/properties/circuit_breaker/propertyNames",keyword:"propertyNames",params:{propertyName: key0},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
for(const key1 in data8){
if(!(validate11(data8[key1], {instancePath:instancePath+"/circuit_breaker/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data8,parentDataProperty:key1,rootData}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
}
else {
const err18 = {instancePath:instancePath+"/circuit_breaker",schemaPath:"#/properties/circuit_breaker/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data.budget !== undefined){
let data10 = data.budget;
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
if(data10.macos_minutes_used !== undefined){
let data11 = data10.macos_minutes_used;
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 < 0 || isNaN(data11)){
const err19 = {instancePath:instancePath+"/budget/macos_minutes_used",schemaPath:"#/properties/budget/properties/macos_minutes_used/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/budget/macos_minutes_used",schemaPath:"#/properties/budget/properties/macos_minutes_used/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data10.linux_minutes_used !== undefined){
let data12 = data10.linux_minutes_used;
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 0 || isNaN(data12)){
const err21 = {instancePath:instancePath+"/budget/linux_minutes_used",schemaPath:"#/properties/budget/properties/linux_minutes_used/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/budget/linux_minutes_used",schemaPath:"#/properties/budget/properties/linux_minutes_used/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data10.windows_minutes_used !== undefined){
let data13 = data10.windows_minutes_used;
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 < 0 || isNaN(data13)){
const err23 = {instancePath:instancePath+"/budget/windows_minutes_used",schemaPath:"#/properties/budget/properties/windows_minutes_used/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
else {
const err24 = {instancePath:instancePath+"/budget/windows_minutes_used",schemaPath:"#/properties/budget/properties/windows_minutes_used/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data10.week_start !== undefined){
let data14 = data10.week_start;
if(typeof data14 !== "string"){
const err25 = {instancePath:instancePath+"/budget/week_start",schemaPath:"#/properties/budget/properties/week_start/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
const _errs43 = errors;
let valid12 = false;
const _errs44 = errors;
if("" !== data14){
const err26 = {instancePath:instancePath+"/budget/week_start",schemaPath:"#/properties/budget/properties/week_start/anyOf/0/const",keyword:"const",params:{allowedValue: ""},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
var _valid2 = _errs44 === errors;
valid12 = valid12 || _valid2;
if(!valid12){
const _errs45 = errors;
if(typeof data14 === "string"){
if(!pattern8.test(data14)){
const err27 = {instancePath:instancePath+"/budget/week_start",schemaPath:"#/properties/budget/properties/week_start/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}$"},message:"must match pattern \""+"^\\d{4}-\\d{2}-\\d{2}$"+"\""};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
var _valid2 = _errs45 === errors;
valid12 = valid12 || _valid2;
if(!valid12){
const _errs46 = errors;
if(typeof data14 !== "string"){
const err28 = {instancePath:instancePath+"/budget/week_start",schemaPath:"#/definitions/timestampOrEmpty/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
const _errs49 = errors;
let valid14 = false;
const _errs50 = errors;
if("" !== data14){
const err29 = {instancePath:instancePath+"/budget/week_start",schemaPath:"#/definitions/timestampOrEmpty/anyOf/0/const",keyword:"const",params:{allowedValue: ""},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
var _valid3 = _errs50 === errors;
valid14 = valid14 || _valid3;
if(!valid14){
const _errs51 = errors;
if(typeof data14 === "string"){
if(!pattern1.test(data14)){
const err30 = {instancePath:instancePath+"/budget/week_start",schemaPath:"#/definitions/timestampOrEmpty/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"},message:"must match pattern \""+"^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"+"\""};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
var _valid3 = _errs51 === errors;
valid14 = valid14 || _valid3;
}
if(!valid14){
const err31 = {instancePath:instancePath+"/budget/week_start",schemaPath:"#/definitions/timestampOrEmpty/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
else {
errors = _errs49;
if(vErrors !== null){
if(_errs49){
vErrors.length = _errs49;
}
else {
vErrors = null;
}
}
}
var _valid2 = _errs46 === errors;
valid12 = valid12 || _valid2;
}
}
if(!valid12){
const err32 = {instancePath:instancePath+"/budget/week_start",schemaPath:"#/properties/budget/properties/week_start/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
else {
errors = _errs43;
if(vErrors !== null){
if(_errs43){
vErrors.length = _errs43;
}
else {
vErrors = null;
}
}
}
}
if(data10.sampling_active !== undefined){
if(typeof data10.sampling_active !== "boolean"){
const err33 = {instancePath:instancePath+"/budget/sampling_active",schemaPath:"#/properties/budget/properties/sampling_active/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data10.counted_job_ids !== undefined){
let data16 = data10.counted_job_ids;
if(Array.isArray(data16)){
const len1 = data16.length;
for(let i1=0; i1<len1; i1++){
let data17 = data16[i1];
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
const err34 = {instancePath:instancePath+"/budget/counted_job_ids/" + i1,schemaPath:"#/properties/budget/properties/counted_job_ids/items/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
else {
const err35 = {instancePath:instancePath+"/budget/counted_job_ids",schemaPath:"#/properties/budget/properties/counted_job_ids/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
}
else {
const err36 = {instancePath:instancePath+"/budget",schemaPath:"#/properties/budget/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(data.batch_sequence !== undefined){
let data18 = data.batch_sequence;
if(data18 && typeof data18 == "object" && !Array.isArray(data18)){
if(data18.date === undefined){
const err37 = {instancePath:instancePath+"/batch_sequence",schemaPath:"#/properties/batch_sequence/required",keyword:"required",params:{missingProperty: "date"},message:"must have required property '"+"date"+"'"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(data18.last === undefined){
const err38 = {instancePath:instancePath+"/batch_sequence",schemaPath:"#/properties/batch_sequence/required",keyword:"required",params:{missingProperty: "last"},message:"must have required property '"+"last"+"'"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(data18.date !== undefined){
let data19 = data18.date;
if(typeof data19 === "string"){
if(!pattern8.test(data19)){
const err39 = {instancePath:instancePath+"/batch_sequence/date",schemaPath:"#/properties/batch_sequence/properties/date/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}$"},message:"must match pattern \""+"^\\d{4}-\\d{2}-\\d{2}$"+"\""};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/batch_sequence/date",schemaPath:"#/properties/batch_sequence/properties/date/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
if(data18.last !== undefined){
let data20 = data18.last;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
const err41 = {instancePath:instancePath+"/batch_sequence/last",schemaPath:"#/properties/batch_sequence/properties/last/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 999 || isNaN(data20)){
const err42 = {instancePath:instancePath+"/batch_sequence/last",schemaPath:"#/properties/batch_sequence/properties/last/maximum",keyword:"maximum",params:{comparison: "<=", limit: 999},message:"must be <= 999"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(data20 < 0 || isNaN(data20)){
const err43 = {instancePath:instancePath+"/batch_sequence/last",schemaPath:"#/properties/batch_sequence/properties/last/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
}
else {
const err44 = {instancePath:instancePath+"/batch_sequence",schemaPath:"#/properties/batch_sequence/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
}
else {
const err45 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}


;// CONCATENATED MODULE: ../../packages/core/src/control/model.ts
// The control file (docs/contract.md §1): load, validate, default, and write back.
//
// The document is kept as the raw JSON object it was read as, so that fields
// this version does not know survive every rewrite. Typed accessors give the
// defaults; changes are made on a copy and written with `renderControl`,
// which touches only the bytes of what changed.



// The schema compiled ahead of time by ajv (scripts/gen-validator.mjs), so that no run pays for compiling it.

/** The file as the shell tooling first wrote it: every field at its default. */
function defaultControl() {
    return {
        enabled: true,
        disabled_ecosystems: [],
        reason: '',
        incident_url: '',
        disabled_by: '',
        disabled_at: '',
        expected_resume: '',
        circuit_breaker: {},
        budget: { macos_minutes_used: 0, linux_minutes_used: 0, week_start: '', sampling_active: false }
    };
}
const model_ECOSYSTEM_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
function describeFound(v) {
    if (v === undefined)
        return 'nothing';
    if (v === null)
        return 'null';
    const json = JSON.stringify(v);
    const shown = json.length > 60 ? json.slice(0, 57) + '...' : json;
    const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    return `${type} ${shown}`;
}
function valueAtPointer(doc, segments) {
    let v = doc;
    for (const s of segments) {
        if (Array.isArray(v))
            v = v[Number(s)];
        else if (isJsonObject(v))
            v = Object.prototype.hasOwnProperty.call(v, s) ? v[s] : undefined;
        else
            return undefined;
    }
    return v;
}
const ECOSYSTEM_RULE = "lower case letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64 characters";
const TIMESTAMP_RULE = 'an RFC 3339 timestamp such as 2026-01-05T00:00:00Z, or ""';
function explain(e, found) {
    const viaEcosystem = e.schemaPath.includes('/definitions/ecosystem');
    const viaTimestamp = e.schemaPath.includes('timestampOrEmpty') || e.schemaPath.includes('/week_start/');
    if (e.propertyName !== undefined)
        return `${JSON.stringify(e.propertyName)} is not a valid ecosystem name (${ECOSYSTEM_RULE})`;
    if (viaEcosystem && e.keyword === 'pattern')
        return `${describeFound(found)} is not a valid ecosystem name (${ECOSYSTEM_RULE})`;
    if (viaTimestamp && e.keyword !== 'type')
        return `must be ${TIMESTAMP_RULE} (found ${describeFound(found)})`;
    switch (e.keyword) {
        case 'type':
            return `must be ${String(e.params.type).replace(',', ' or ')} (found ${describeFound(found)})`;
        case 'enum':
            return `must be one of ${e.params.allowedValues.map((a) => JSON.stringify(a)).join(', ')} (found ${describeFound(found)})`;
        case 'required':
            return `is missing the required field ${JSON.stringify(e.params.missingProperty)}`;
        case 'minimum':
            return `must be >= ${e.params.limit} (found ${describeFound(found)})`;
        case 'maximum':
            return `must be <= ${e.params.limit} (found ${describeFound(found)})`;
        case 'pattern':
            if (e.instancePath.endsWith('/window'))
                return `must be a string of S and F only (found ${describeFound(found)})`;
            return `must match ${e.params.pattern} (found ${describeFound(found)})`;
        default:
            return `${e.message ?? 'is invalid'} (found ${describeFound(found)})`;
    }
}
// Keywords that only say "one of the alternatives failed"; the alternatives say why.
const WRAPPERS = new Set(['anyOf', 'propertyNames', 'if']);
function schemaProblems(doc, text, root) {
    if (validate(doc))
        return [];
    const seen = new Set();
    const problems = [];
    for (const e of validate.errors ?? []) {
        if (WRAPPERS.has(e.keyword))
            continue;
        const segments = pointerSegments(e.instancePath);
        if (e.propertyName !== undefined)
            segments.push(e.propertyName);
        const path = formatJsonPath(segments);
        const found = valueAtPointer(doc, segments);
        const message = explain(e, found);
        // anyOf alternatives (timestamp or "") each report; one message per path is enough.
        const viaTimestamp = e.schemaPath.includes('timestampOrEmpty') || e.schemaPath.includes('/week_start/');
        const dedupeKey = viaTimestamp && e.keyword !== 'type' ? `${path} timestamp` : `${path} ${message}`;
        if (seen.has(dedupeKey))
            continue;
        seen.add(dedupeKey);
        problems.push({ path, message, ...locate(text, root, segments, e.propertyName !== undefined) });
    }
    return problems;
}
function locate(text, root, segments, atKey) {
    if (!text || !root)
        return { line: 1, column: 1 };
    const { node, keyStart } = nodeAt(root, segments);
    return positionAt(text, atKey && keyStart !== undefined ? keyStart : keyStart ?? node.start);
}
/** Checks the schema cannot express: real calendar times. */
function semanticProblems(doc, text, root) {
    const problems = [];
    const checkTime = (segments, allowDate = false) => {
        const v = valueAtPointer(doc, segments);
        if (typeof v !== 'string' || v === '')
            return;
        if (parseTimestamp(v) !== null || (allowDate && parseDate(v) !== null))
            return;
        problems.push({
            path: formatJsonPath(segments),
            message: `must be ${TIMESTAMP_RULE} (found ${describeFound(v)}, which is not a real date and time)`,
            ...locate(text, root, segments, false)
        });
    };
    checkTime(['disabled_at']);
    checkTime(['expected_resume']);
    checkTime(['budget', 'week_start'], true);
    for (const eco of Object.keys(doc.circuit_breaker ?? {})) {
        checkTime(['circuit_breaker', eco, 'last_failure']);
        checkTime(['circuit_breaker', eco, 'opens_at']);
        checkTime(['circuit_breaker', eco, 'probe', 'claimed_at']);
    }
    const seq = doc.batch_sequence;
    if (seq && typeof seq.date === 'string' && parseDate(seq.date) === null) {
        problems.push({
            path: '$.batch_sequence.date',
            message: `must be a real date YYYY-MM-DD (found ${describeFound(seq.date)})`,
            ...locate(text, root, ['batch_sequence', 'date'], false)
        });
    }
    return problems;
}
/**
 * Loads the control file from its text (`null`: the file does not exist,
 * which means every default). Never throws: problems come back located.
 */
function model_loadControl(text) {
    if (text === null)
        return { ok: true, exists: false, doc: defaultControl(), text: null, root: null };
    let root;
    try {
        root = parseJson(text);
    }
    catch (err) {
        if (err instanceof JsonSyntaxError) {
            return {
                ok: false,
                problems: [{ path: '$', line: err.position.line, column: err.position.column, message: `not valid JSON: ${err.problem}` }]
            };
        }
        throw err;
    }
    if (!isJsonObject(root.value)) {
        return {
            ok: false,
            problems: [{ path: '$', ...positionAt(text, root.start), message: `must be a JSON object (found ${describeFound(root.value)})` }]
        };
    }
    const doc = root.value;
    const problems = schemaProblems(doc, text, root);
    if (problems.length === 0)
        problems.push(...semanticProblems(doc, text, root));
    if (problems.length > 0)
        return { ok: false, problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
    return { ok: true, exists: true, doc, text, root };
}
/** Validates a document the actions are about to write (a guard against writing a broken file). */
function controlProblems(doc) {
    const p = schemaProblems(doc, null, null);
    return p.length > 0 ? p : semanticProblems(doc, null, null);
}
/**
 * The text to write for `next`: the original text with only the changed
 * values replaced, or the canonical 2-space form for a new file.
 */
function renderControl(original, next) {
    if (original.text === null)
        return stringifyJson(next);
    return editJson(original.text, next, original.root ?? undefined);
}
/** A deep copy to change; the loaded document itself is never mutated. */
function model_cloneControl(doc) {
    return structuredClone(doc);
}
function model_isEnabled(doc) {
    return doc.enabled !== false;
}
function model_breakerEntries(doc) {
    return doc.circuit_breaker ?? {};
}
/** The ecosystems the control file knows: a breaker entry or a pause. */
function model_knownEcosystems(doc) {
    return [...new Set([...Object.keys(model_breakerEntries(doc)), ...(doc.disabled_ecosystems ?? [])])];
}
/** Where a JSON path is in the loaded file (line 1 for a file that does not exist yet). */
function locateInControl(load, segments) {
    return { path: formatJsonPath(segments), ...locate(load.text, load.root, segments, true) };
}
/** A copy of `doc` with the breaker entry of `ecosystem` replaced (created when missing). */
function withBreaker(doc, ecosystem, entry) {
    const next = model_cloneControl(doc);
    next.circuit_breaker = { ...(next.circuit_breaker ?? {}), [ecosystem]: entry };
    return next;
}

;// CONCATENATED MODULE: ../../packages/core/src/ecosystems.ts
// Ecosystem names as workflow authors type them.

/** Splits a list input: newline- or comma-separated, blanks dropped, duplicates removed (first kept). */
function ecosystems_parseList(raw) {
    const seen = new Set();
    for (const part of raw.split(/[\n,]/)) {
        const item = part.trim();
        if (item !== '')
            seen.add(item);
    }
    return [...seen];
}
function squash(s) {
    return s.toLowerCase().replace(/[._-]/g, '');
}
/** Edit distance counting a swap of two neighbouring letters as one edit. */
function distance(a, b) {
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                best = Math.min(best, d[i - 2][j - 2] + 1);
            d[i][j] = best;
        }
    }
    return d[a.length][b.length];
}
/** The known name that `name` is most likely a misspelling of, if any. */
function closestEcosystem(name, known) {
    if (known.includes(name))
        return undefined;
    const same = known.find((k) => squash(k) === squash(name));
    if (same)
        return same;
    const near = known
        .map((k) => ({ k, d: distance(k, name.toLowerCase()) }))
        // One slip (a letter wrong, missing, extra or swapped) in a name of 4 or more letters;
        // anything further apart is taken as a new ecosystem (gitlab is not a typo of github).
        .filter(({ k, d }) => d === 1 && k.length >= 4)
        .sort((a, b) => a.d - b.d);
    return near[0]?.k;
}
/**
 * Checks requested names: each must be a valid ecosystem name, and one that
 * looks like a misspelling of a known ecosystem is refused with the right
 * spelling. A new, well-formed name is accepted.
 */
function ecosystems_checkEcosystemNames(names, known) {
    const errors = [];
    for (const name of names) {
        if (!ECOSYSTEM_PATTERN.test(name)) {
            const hint = closestEcosystem(name, known);
            errors.push(`${JSON.stringify(name)} is not a valid ecosystem name (lower case letters, digits, '.', '_' or '-')` +
                (hint ? `; did you mean ${JSON.stringify(hint)}?` : ''));
            continue;
        }
        const hint = closestEcosystem(name, known);
        if (hint)
            errors.push(`unknown ecosystem ${JSON.stringify(name)}; did you mean ${JSON.stringify(hint)}?`);
    }
    return errors;
}

;// CONCATENATED MODULE: ../../packages/core/src/operator.ts
// Operator commands over the control file (batch-control), pure:
// (control file, command, now) -> new control file, or a refusal that says why.





const OPERATOR_COMMANDS = (/* unused pure expression or super */ null && (['stop', 'resume', 'pause-ecosystem', 'resume-ecosystem', 'reset-breaker', 'reset-budget']));
const refuse = (error) => ({ ok: false, error });
function needEcosystems(cmd, known) {
    if (cmd.ecosystems.length === 0)
        return `${cmd.command} needs at least one ecosystem (input 'ecosystems')`;
    const problems = checkEcosystemNames(cmd.ecosystems, known);
    if (problems.length > 0)
        return problems.join('; ');
    // An emergency form acts on ecosystems the control file knows: a slip must not pass as a new name.
    const unknown = cmd.ecosystems.filter((e) => !known.includes(e));
    if (unknown.length > 0) {
        return `unknown ecosystem${unknown.length > 1 ? 's' : ''} ${unknown.map((e) => JSON.stringify(e)).join(', ')}; the control file knows ${known.length > 0 ? known.join(', ') : 'none yet'}`;
    }
    return undefined;
}
function applyOperatorCommand(input, cmd, now) {
    if (cmd.reason.trim() === '')
        return refuse(`a reason is required for every command: say why (it goes into the commit and the audit trail)`);
    const doc = cloneControl(input);
    const breakers = breakerEntries(doc);
    const paused = doc.disabled_ecosystems ?? [];
    const known = knownEcosystems(doc);
    switch (cmd.command) {
        case 'stop': {
            let resume = '';
            if (cmd.expectedResume !== '') {
                const at = parseTimestamp(cmd.expectedResume);
                if (at === null)
                    return refuse(`expected-resume ${JSON.stringify(cmd.expectedResume)} is not an RFC 3339 timestamp such as 2026-03-05T09:00:00Z`);
                if (at <= now)
                    return refuse(`expected-resume ${cmd.expectedResume} is in the past (now is ${formatTimestamp(now)}); give a future time, or none`);
                resume = formatTimestamp(at);
            }
            doc.enabled = false;
            doc.reason = cmd.reason;
            doc.disabled_by = cmd.operator;
            doc.disabled_at = formatTimestamp(now);
            doc.incident_url = cmd.incidentUrl;
            doc.expected_resume = resume;
            return { ok: true, doc, changed: true, summary: `stopped every batch${resume ? ` until about ${resume}` : ''}` };
        }
        case 'resume': {
            const wasStopped = input.enabled === false;
            if (wasStopped)
                doc.enabled = true;
            for (const k of ['reason', 'disabled_by', 'disabled_at', 'incident_url', 'expected_resume'])
                if (k in doc)
                    doc[k] = '';
            // Leftover stop fields of a running pipeline are a change too: `changed` decides whether anything is written.
            const changed = !jsonEqual(input, doc);
            return { ok: true, doc, changed, summary: wasStopped ? 'resumed batch processing' : changed ? 'batch processing was already running; cleared the stop fields' : 'batch processing was already running; nothing to change' };
        }
        case 'pause-ecosystem': {
            const bad = needEcosystems(cmd, known);
            if (bad)
                return refuse(bad);
            const added = cmd.ecosystems.filter((e) => !paused.includes(e));
            doc.disabled_ecosystems = [...paused, ...added];
            return { ok: true, doc, changed: added.length > 0, summary: added.length > 0 ? `paused ${added.join(', ')}` : `${cmd.ecosystems.join(', ')} already paused` };
        }
        case 'resume-ecosystem': {
            const bad = needEcosystems(cmd, known);
            if (bad)
                return refuse(bad);
            const notPaused = cmd.ecosystems.filter((e) => !paused.includes(e));
            if (notPaused.length > 0)
                return refuse(`${notPaused.join(', ')} ${notPaused.length === 1 ? 'is' : 'are'} not paused (paused: ${paused.length > 0 ? paused.join(', ') : 'none'})`);
            doc.disabled_ecosystems = paused.filter((e) => !cmd.ecosystems.includes(e));
            return { ok: true, doc, changed: true, summary: `resumed ${cmd.ecosystems.join(', ')}` };
        }
        case 'reset-breaker': {
            const bad = needEcosystems(cmd, known);
            if (bad)
                return refuse(bad);
            const notOpen = cmd.ecosystems.filter((e) => breakers[e]?.state !== 'open');
            if (notOpen.length > 0) {
                return refuse(`only an open breaker can be reset (open → half-open, probed by the next run): ` +
                    notOpen.map((e) => `${e} is ${breakers[e]?.state ?? 'absent (closed)'}`).join(', '));
            }
            const next = { ...breakers };
            for (const e of cmd.ecosystems) {
                const { probe: _none, ...entry } = next[e];
                next[e] = { ...entry, state: 'half-open', opens_at: formatTimestamp(now) };
            }
            doc.circuit_breaker = next;
            return { ok: true, doc, changed: true, summary: `reset ${cmd.ecosystems.join(', ')} to half-open: the next run probes` };
        }
        case 'reset-budget': {
            const rolled = rollBudgetWeek(doc.budget, now).budget;
            const b = { ...rolled, macos_minutes_used: 0, linux_minutes_used: 0, sampling_active: false, week_start: formatTimestamp(weekStart(now)) };
            if ('windows_minutes_used' in b)
                b.windows_minutes_used = 0;
            doc.budget = b;
            return { ok: true, doc, changed: true, summary: 'reset this week\'s budget use to 0' };
        }
    }
}
/** Whether `name` is a command; for input validation. */
function isOperatorCommand(name) {
    return OPERATOR_COMMANDS.includes(name);
}
/** The moves docs/contract.md §5 allows between two versions of the file (absent → closed: a new entry). */
const ALLOWED = new Set(['closed>open', 'open>half-open', 'half-open>closed', 'half-open>open', 'absent>closed', 'closed>absent']);
/** Breaker moves between two versions of the control file that docs/contract.md §5 forbids (e.g. open → closed). */
function operator_forbiddenBreakerMoves(before, after) {
    const a = breakerEntries(before);
    const b = breakerEntries(after);
    const out = [];
    for (const eco of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const from = a[eco]?.state ?? 'absent';
        const to = b[eco]?.state ?? 'absent';
        if (from !== to && !ALLOWED.has(`${from}>${to}`))
            out.push({ ecosystem: eco, from, to });
    }
    return out;
}
function operator_describeTamper(t) {
    return `breaker ${t.ecosystem} moved ${t.from} → ${t.to} in commit ${t.commit.slice(0, 7)} by ${t.author} ("${t.subject}"), without batch-ops`;
}

;// CONCATENATED MODULE: ../../packages/core/src/preflight.ts
// preflight-check's decision (docs/contract.md §4): may this batch run, and on what?






function stopWarnings(doc, now) {
    const who = doc.disabled_by || 'an unnamed operator';
    const since = doc.disabled_at ? ` since ${doc.disabled_at}` : '';
    const parts = [`Batch processing is stopped (enabled: false) by ${who}${since}: ${doc.reason || 'no reason given'}.`];
    parts.push(doc.incident_url ? `Incident: ${doc.incident_url}.` : 'No incident URL recorded.');
    parts.push(doc.expected_resume ? `Expected resume: ${doc.expected_resume}.` : 'No expected resume time recorded.');
    const warnings = [parts.join(' ')];
    const resume = doc.expected_resume ? parseTimestamp(doc.expected_resume) : null;
    if (resume !== null && resume <= now) {
        warnings.push(`The expected resume time ${doc.expected_resume} has passed and batch processing is still stopped. ` +
            `Resume with the batch-control action (command: resume, the emergency form), or stop again with a new expected-resume.`);
    }
    return warnings;
}
/** Why an ecosystem's breaker keeps it out of this batch, or undefined when it may run. */
function breakerHold(doc, ecosystem, now) {
    const entry = breakerEntries(doc)[ecosystem];
    if (!entry || entry.state !== 'open')
        return undefined;
    const failures = entry.failures ? ` after ${entry.failures} consecutive failures` : '';
    const opensAt = entry.opens_at ? parseTimestamp(entry.opens_at) : null;
    if (opensAt === null) {
        return `circuit breaker open${failures} with no usable opens_at; it stays out until circuit-breaker check derives one or an operator resets it`;
    }
    if (now < opensAt)
        return `circuit breaker open${failures} until ${formatTimestamp(opensAt)}`;
    return undefined;
}
function preflight(input, opts, now) {
    const doc = cloneControl(input);
    const warnings = [];
    const rolled = rollBudgetWeek(doc.budget, now);
    if (rolled.reset)
        doc.budget = rolled.budget;
    const budget = evaluateBudget(doc.budget ?? {}, opts.limits, opts.thresholds);
    const requested = opts.requested ?? Object.keys(breakerEntries(doc));
    const skipped = {};
    const paused = new Set(doc.disabled_ecosystems ?? []);
    const ecosystems = [];
    for (const eco of requested) {
        const hold = paused.has(eco) ? 'paused by an operator (disabled_ecosystems)' : breakerHold(doc, eco, now);
        if (hold)
            skipped[eco] = hold;
        else
            ecosystems.push(eco);
    }
    const tampered = opts.tampering?.findings ?? [];
    for (const t of tampered) {
        warnings.push(`Hand edit of the control file: ${describeTamper(t)}. The circuit breaker never makes this move on its own (docs/contract.md §5: open never goes to closed directly, and only batch-control reset-breaker moves open to half-open); ` +
            `use the batch-control action instead; a batch-control command that changes the control file (e.g. pause-ecosystem) acknowledges the edit.`);
    }
    let reason = '';
    if (!isEnabled(doc)) {
        warnings.push(...stopWarnings(doc, now));
        reason = doc.reason || 'batch processing is stopped (enabled: false)';
    }
    else if (ecosystems.length === 0) {
        reason =
            requested.length === 0
                ? 'no ecosystems to run: none were requested and circuit_breaker lists none'
                : `no ecosystems left to run: ${Object.entries(skipped).map(([e, why]) => `${e} (${why})`).join('; ')}`;
    }
    else if (tampered.length > 0 && opts.tampering?.block) {
        reason =
            `the control file was hand-edited in a way the circuit breaker forbids (${tampered.map(describeTamper).join('; ')}); ` +
                `on-tamper is 'block': an operator must acknowledge the edit with a batch-control command that changes the control file (e.g. pause-ecosystem for that ecosystem)`;
    }
    else if (budget.pause) {
        reason =
            `weekly CI budget nearly spent: ${describeUsage(budget.worst)} is at or over the pause threshold ` +
                `${percent(opts.thresholds.pause)}; batches resume when the budget week starts again on Monday 00:00 UTC`;
    }
    if (budget.sampling && !budget.pause) {
        warnings.push(`Weekly CI budget at ${describeUsage(budget.worst)}, over the sampling threshold ${percent(opts.thresholds.sampling)}: ` +
            `batches run in sampling mode.`);
    }
    if (budget.sampling && doc.budget?.sampling_active !== true) {
        doc.budget = { ...(doc.budget ?? {}), sampling_active: true };
    }
    let batchId = '';
    if (reason === '' && opts.allocateBatchId) {
        const allocation = allocateBatchId(doc.batch_sequence, now);
        if (allocation.ok) {
            batchId = allocation.id;
            doc.batch_sequence = allocation.sequence;
        }
        else
            reason = allocation.reason;
    }
    const canProceed = reason === '';
    if (!canProceed) {
        for (const eco of ecosystems)
            skipped[eco] = isEnabled(doc) ? reason : `batch processing is stopped: ${reason}`;
    }
    return {
        decision: {
            canProceed,
            ecosystems: canProceed ? ecosystems : [],
            skipped,
            reason,
            sampling: budget.sampling,
            batchId,
            budget,
            budgetReset: rolled.reset,
            warnings,
            tampering: tampered
        },
        doc,
        // Blocked by a hand edit: nothing is written, or that commit (with its Batch-Ops-Action trailer)
        // would become the tamper check's boundary and acknowledge an edit no operator has looked at.
        write: !jsonEqual(input, doc) && (opts.exists || batchId !== '') && !(tampered.length > 0 && opts.tampering?.block)
    };
}

;// CONCATENATED MODULE: ../../packages/core/src/commit-message.ts
// Commit messages batch-ops writes (docs/contract.md §3): a subject and git trailers.
/** Trailer values are one line; anything after a line break is folded into it. */
function oneLine(v) {
    return v.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
/** `subject`, a blank line, then one `Key: value` line per trailer that has a value. */
function commitMessage(subject, trailers = []) {
    const lines = trailers.filter(([, v]) => v !== undefined && oneLine(v) !== '').map(([k, v]) => `${k}: ${oneLine(v)}`);
    return lines.length > 0 ? `${oneLine(subject)}\n\n${lines.join('\n')}\n` : `${oneLine(subject)}\n`;
}
/** Subject of a state commit: `chore(batch): <what> [skip ci]`. */
function stateSubject(what) {
    return `chore(batch): ${oneLine(what)} [skip ci]`;
}

;// CONCATENATED MODULE: ../../packages/core/src/markdown.ts
// Markdown for job summaries: reviewers read these without the logs.
/** Text safe inside a table cell or a line: no HTML, no pipes, no line breaks. */
function md(text) {
    return String(text)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, ' ');
}
/** Inline code that survives backticks in the text. */
function code(text) {
    const clean = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
    return clean.includes('`') ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}
/** A table; cells are escaped unless already built with `code`/`md` (pass raw: true). */
function table(head, rows) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}
function details(summary, body) {
    return `<details><summary>${md(summary)}</summary>\n\n${body}\n</details>\n`;
}
function fenced(body, lang = '') {
    const fence = body.includes('```') ? '~~~~' : '```';
    return `${fence}${lang}\n${body.endsWith('\n') ? body : body + '\n'}${fence}\n`;
}

;// CONCATENATED MODULE: ../../packages/core/src/breaker.ts
// The circuit breaker (docs/contract.md §5) as a pure reducer: (entry, event, now) -> entry + verdict.
//
// closed --(window >= minimum-attempts and failure rate >= threshold)--> open
// open --(check at/after opens_at: claims the probe)--> half-open
// half-open --(probe succeeds)--> closed      half-open --(probe fails)--> open, trips+1
// open never goes to closed directly; a result that arrives while open changes nothing.

const DEFAULT_BREAKER_PARAMS = {
    failureThreshold: 50,
    windowSize: 10,
    minimumAttempts: 5,
    recoveryMinutes: 60,
    backoffMultiplier: 2,
    maxRecoveryMinutes: 1440,
    probeTimeoutMinutes: 120
};
/** Problems with a parameter set (as input errors), e.g. a minimum the window can never reach. */
function breakerParamProblems(p) {
    const problems = [];
    if (p.minimumAttempts > p.windowSize) {
        problems.push(`'minimum-attempts' (${p.minimumAttempts}) is larger than 'window-size' (${p.windowSize}), so the breaker could never trip`);
    }
    if (p.recoveryMinutes > p.maxRecoveryMinutes) {
        problems.push(`'recovery-minutes' (${p.recoveryMinutes}) is larger than 'max-recovery-minutes' (${p.maxRecoveryMinutes})`);
    }
    return problems;
}
/** The wait before an open breaker may be probed, after `trips` failed probes. */
function openWaitMinutes(trips, p) {
    return Math.min(p.recoveryMinutes * p.backoffMultiplier ** trips, p.maxRecoveryMinutes);
}
function failureRate(window, p) {
    if (window.length === 0 || window.length < p.minimumAttempts)
        return null;
    let f = 0;
    for (const c of window)
        if (c === 'F')
            f++;
    return (f * 100) / window.length;
}
/**
 * When an open breaker may be probed: `opens_at`, or derived from `last_failure`
 * (entries from the shell tooling may lack one). null: no usable time, fail closed.
 */
function dueTime(entry, p) {
    const opensAt = entry.opens_at ? parseTimestamp(entry.opens_at) : null;
    if (opensAt !== null)
        return opensAt;
    const last = entry.last_failure ? parseTimestamp(entry.last_failure) : null;
    if (last === null)
        return null;
    return last + openWaitMinutes(entry.trips ?? 0, p) * MINUTE;
}
function viewBreaker(entry, p) {
    const window = entry?.window ?? '';
    return {
        state: entry?.state ?? 'closed',
        window,
        failures: entry?.failures ?? 0,
        trips: entry?.trips ?? 0,
        failureRate: failureRate(window, p),
        opensAt: entry?.state === 'open' ? dueTime(entry, p) : null
    };
}
function probeLive(probe, now, p) {
    if (!probe)
        return false;
    const claimed = probe.claimed_at ? parseTimestamp(probe.claimed_at) : null;
    if (claimed === null)
        return false;
    return now - claimed <= p.probeTimeoutMinutes * MINUTE;
}
function claim(entry, now, runId) {
    return { ...entry, state: 'half-open', probe: { claimed_at: formatTimestamp(now), run_id: runId } };
}
function checkBreaker(entry, p, now, runId) {
    if (!entry || entry.state === 'closed') {
        return { ok: true, entry, write: false, skip: false, probe: false, reason: entry ? 'breaker closed' : 'no breaker entry yet (closed)' };
    }
    if (entry.state === 'open') {
        const due = dueTime(entry, p);
        if (due === null) {
            return {
                ok: false,
                error: `breaker is open but has no usable opens_at (${JSON.stringify(entry.opens_at ?? '')}) and no last_failure to derive one from; ` +
                    `skipping (fail closed). An operator can set opens_at or reset the breaker.`
            };
        }
        if (now < due) {
            return { ok: true, entry, write: false, skip: true, probe: false, reason: `breaker open until ${formatTimestamp(due)}` };
        }
        return { ok: true, entry: claim(entry, now, runId), write: true, skip: false, probe: true, reason: `breaker open since before ${formatTimestamp(due)}: this run is the half-open probe` };
    }
    // half-open
    const probe = entry.probe;
    if (probe && String(probe.run_id) === runId && probeLive(probe, now, p)) {
        return { ok: true, entry, write: false, skip: false, probe: true, reason: 'this run already holds the half-open probe' };
    }
    if (probeLive(probe, now, p)) {
        const until = parseTimestamp(probe.claimed_at) + p.probeTimeoutMinutes * MINUTE;
        return {
            ok: true,
            entry,
            write: false,
            skip: true,
            probe: false,
            reason: `half-open: run ${probe.run_id} holds the probe (claimed ${probe.claimed_at}, lease until ${formatTimestamp(until)})`
        };
    }
    const why = probe ? `the probe claimed by run ${probe.run_id} at ${probe.claimed_at} expired` : 'no probe in flight';
    return { ok: true, entry: claim(entry, now, runId), write: true, skip: false, probe: true, reason: `half-open, ${why}: this run is the probe` };
}
/**
 * `successes` and `failures` spread evenly, oldest first, so that the last
 * `keep` attempts have the batch's failure rate whatever `keep` is.
 */
function spread(a, keep) {
    const n = a.successes + a.failures;
    let out = '';
    for (let i = Math.max(0, n - keep); i < n; i++) {
        out += Math.floor(((i + 1) * a.failures) / n) > Math.floor((i * a.failures) / n) ? 'F' : 'S';
    }
    return out;
}
/** Failed attempts at the end of the spread sequence (consecutive failures it leaves). */
function trailingFailures(a) {
    if (a.successes === 0)
        return a.failures;
    const n = a.successes + a.failures;
    let k = 0;
    for (let i = n - 1; i >= 0 && Math.floor(((i + 1) * a.failures) / n) > Math.floor((i * a.failures) / n); i--)
        k++;
    return k;
}
function withAttempts(entry, a, p, now) {
    const window = ((entry.window ?? '') + spread(a, p.windowSize)).slice(-p.windowSize);
    const failures = a.successes > 0 ? trailingFailures(a) : (entry.failures ?? 0) + a.failures;
    const next = { ...entry, failures, window };
    if (a.failures > 0)
        next.last_failure = formatTimestamp(now);
    return next;
}
function withoutProbe(entry) {
    const { probe: _released, ...rest } = entry;
    return rest;
}
function recordBreaker(entry, a, p, now, runId) {
    const current = entry ?? { state: 'closed', failures: 0 };
    const total = a.successes + a.failures;
    if (current.state === 'open') {
        return {
            entry: current,
            write: false,
            transition: 'open: result ignored',
            warning: `a result (${a.successes} passed, ${a.failures} failed) arrived while the breaker is open and no probe is claimed; ` +
                `it changes nothing (an open breaker only closes through a half-open probe)`
        };
    }
    if (current.state === 'half-open') {
        const probe = current.probe;
        if (probe && runId !== undefined && String(probe.run_id) !== runId) {
            return {
                entry: current,
                write: false,
                transition: 'half-open: result from another run ignored',
                warning: `run ${runId} recorded a result, but the half-open probe belongs to run ${probe.run_id}; only the probe's result decides`
            };
        }
        if (total === 0) {
            return { entry: withoutProbe(current), write: probe !== undefined, transition: 'half-open: inconclusive probe released' };
        }
        const rate = (a.failures * 100) / total;
        if (rate < p.failureThreshold) {
            const closed = { ...withoutProbe(current), state: 'closed', window: '', failures: 0, trips: 0 };
            if (closed.opens_at !== undefined)
                closed.opens_at = '';
            return { entry: closed, write: true, transition: 'half-open → closed: the probe succeeded' };
        }
        const trips = (current.trips ?? 0) + 1;
        const opened = {
            ...withAttempts(withoutProbe(current), a, p, now),
            state: 'open',
            trips,
            opens_at: formatTimestamp(now + openWaitMinutes(trips, p) * MINUTE)
        };
        return { entry: opened, write: true, transition: `half-open → open: the probe failed (trip ${trips}, waits ${openWaitMinutes(trips, p)} min)` };
    }
    // closed
    if (total === 0)
        return { entry: current, write: false, transition: 'closed: nothing to record' };
    const next = withAttempts(current, a, p, now);
    const rate = failureRate(next.window ?? '', p);
    if (rate !== null && rate >= p.failureThreshold) {
        const opened = { ...next, state: 'open', trips: 0, opens_at: formatTimestamp(now + p.recoveryMinutes * MINUTE) };
        return { entry: opened, write: true, transition: `closed → open: failure rate ${formatRate(rate)} ≥ ${p.failureThreshold}%` };
    }
    return { entry: next, write: true, transition: 'closed: attempts recorded' };
}
function formatRate(rate) {
    if (rate === null)
        return '';
    return `${Math.round(rate * 10) / 10}%`;
}
/** What circuit-breaker does with the entry in either mode: check (skip, or claim the probe) or record. */
function breakerStep(entry, event, p, now, runId) {
    if (event.mode === 'check')
        return checkBreaker(entry, p, now, runId);
    const r = recordBreaker(entry, event.attempts, p, now, runId);
    return { ok: true, entry: r.entry, write: r.write, skip: false, probe: false, reason: r.transition, warning: r.warning };
}

;// CONCATENATED MODULE: ../../packages/core/src/results.ts
// Per-recipe results of a batch (docs/contract.md §6): a JSON array or JSON Lines.


const RESULT_KINDS = (/* unused pure expression or super */ null && (['passed', 'failed', 'skipped', 'blocked']));
const MAX_PROBLEMS = 20;
function describe(v) {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}
/** Validates one record; returns the normalized result or the problems with it. */
function toResult(raw, defaultEcosystem) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        return { errors: [`must be a JSON object (found ${describe(raw)})`] };
    const r = raw;
    const errors = [];
    const name = r.recipe_name ?? r.name;
    if (typeof name !== 'string' || name.trim() === '')
        errors.push(`needs "recipe_name" (or "name"): a non-empty string (found ${describe(name)})`);
    const eco = r.ecosystem ?? (defaultEcosystem || undefined);
    if (eco === undefined)
        errors.push(`needs "ecosystem" (or set the action's 'ecosystem' input for results without one)`);
    else if (typeof eco !== 'string' || !ECOSYSTEM_PATTERN.test(eco))
        errors.push(`"ecosystem" ${describe(eco)} is not a valid ecosystem name`);
    const kind = r.result;
    if (typeof kind !== 'string' || !RESULT_KINDS.includes(kind)) {
        errors.push(`"result" must be one of ${RESULT_KINDS.join(', ')} (found ${describe(kind)})`);
    }
    for (const field of ['error_category', 'error_message', 'platform']) {
        if (r[field] !== undefined && r[field] !== null && typeof r[field] !== 'string')
            errors.push(`"${field}" must be a string (found ${describe(r[field])})`);
    }
    const d = r.duration_seconds;
    if (d !== undefined && d !== null && (typeof d !== 'number' || !Number.isFinite(d) || d < 0)) {
        errors.push(`"duration_seconds" must be a number >= 0 (found ${describe(d)})`);
    }
    const x = r.exit_code;
    if (x !== undefined && x !== null && (typeof x !== 'number' || !Number.isInteger(x)))
        errors.push(`"exit_code" must be an integer (found ${describe(x)})`);
    if (errors.length > 0)
        return { errors };
    const result = { recipe: name, ecosystem: eco, result: kind };
    if (typeof r.error_category === 'string')
        result.error_category = r.error_category;
    if (typeof r.error_message === 'string')
        result.error_message = r.error_message;
    if (typeof d === 'number')
        result.duration_seconds = d;
    if (typeof r.platform === 'string')
        result.platform = r.platform;
    if (typeof x === 'number')
        result.exit_code = x;
    return { result, errors: [] };
}
/**
 * Parses a results file: a JSON array, or JSON Lines (one object per line,
 * blank lines ignored). Every record is validated; problems name the line.
 */
function parseResults(text, defaultEcosystem = '') {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const problems = [];
    const results = [];
    const trimmed = body.trimStart();
    if (trimmed.startsWith('[')) {
        let items;
        try {
            items = JSON.parse(body);
        }
        catch {
            // Parse again, slowly, only to say where the problem is.
            try {
                parseJson(body);
            }
            catch (e) {
                if (e instanceof JsonSyntaxError)
                    return { ok: false, problems: [{ line: e.position.line, where: 'the array', message: `not valid JSON: ${e.problem}` }] };
            }
            return { ok: false, problems: [{ line: 1, where: 'the array', message: 'not valid JSON' }] };
        }
        // Element lines are only needed for problems; find them lazily.
        let lines;
        const lineOf = (i) => {
            lines ??= (parseJson(body).items ?? []).map((n) => body.slice(0, n.start).split('\n').length);
            return lines[i] ?? 1;
        };
        items.forEach((raw, i) => {
            if (problems.length >= MAX_PROBLEMS)
                return;
            const { result, errors } = toResult(raw, defaultEcosystem);
            if (result)
                results.push(result);
            for (const message of errors)
                problems.push({ line: lineOf(i), where: `element [${i}]`, message });
        });
    }
    else {
        let start = 0;
        let line = 0;
        while (start <= body.length && problems.length < MAX_PROBLEMS) {
            let end = body.indexOf('\n', start);
            if (end < 0)
                end = body.length;
            line++;
            const record = body.slice(start, end).trim();
            start = end + 1;
            if (record === '')
                continue;
            let raw;
            try {
                raw = JSON.parse(record);
            }
            catch (e) {
                problems.push({ line, where: `line ${line}`, message: `not valid JSON (${e.message})` });
                continue;
            }
            const { result, errors } = toResult(raw, defaultEcosystem);
            if (result)
                results.push(result);
            for (const message of errors)
                problems.push({ line, where: `line ${line}`, message });
        }
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, results };
}

;// CONCATENATED MODULE: ../../packages/core/src/slo.ts
// SLIs and SLOs per ecosystem (docs/contract.md §6).
//
// rate = passed / (passed + failed); skipped and blocked are not failures.
// severity: critical below critical-threshold, else warning below the SLO,
// else info when the mean duration is over the latency threshold, else ok.
const SEVERITY_ORDER = (/* unused pure expression or super */ null && (['ok', 'info', 'warning', 'critical']));
const DEFAULT_SLO = { homebrew: 0.85, cask: 0.95, default: 0.98 };
function worst(severities) {
    let w = 'ok';
    for (const s of severities)
        if (SEVERITY_ORDER.indexOf(s) > SEVERITY_ORDER.indexOf(w))
            w = s;
    return w;
}
function sloFor(ecosystem, slo) {
    // Own keys only: an ecosystem named `constructor` must not find Object.prototype's.
    return (Object.hasOwn(slo, ecosystem) ? slo[ecosystem] : undefined) ?? (Object.hasOwn(slo, 'default') ? slo.default : undefined) ?? DEFAULT_SLO.default;
}
/** Problems with an SLO table given as input (each target must be in [0, 1]). */
function sloProblems(slo) {
    if (typeof slo !== 'object' || slo === null || Array.isArray(slo))
        return ['must be a JSON object of ecosystem → target between 0 and 1'];
    return Object.entries(slo)
        .filter(([, v]) => typeof v !== 'number' || !(v >= 0 && v <= 1))
        .map(([k, v]) => `target for ${JSON.stringify(k)} must be a number between 0 and 1 (found ${JSON.stringify(v)})`);
}
const pct = (x) => `${Math.round(x * 1000) / 10}%`;
function severityOf(rate, slo, meanDuration, o) {
    if (rate !== null && rate < o.criticalThreshold) {
        return { severity: 'critical', why: `success rate ${pct(rate)} is below the critical threshold ${pct(o.criticalThreshold)}` };
    }
    if (rate !== null && rate < slo)
        return { severity: 'warning', why: `success rate ${pct(rate)} is below its SLO ${pct(slo)}` };
    if (meanDuration !== null && meanDuration > o.latencyThresholdSeconds) {
        return { severity: 'info', why: `mean duration ${Math.round(meanDuration)} s is over ${o.latencyThresholdSeconds} s` };
    }
    return { severity: 'ok', why: rate === null ? 'no attempts (only skipped or blocked results)' : `success rate ${pct(rate)} meets its SLO ${pct(slo)}` };
}
/** Evaluates the batch: one report per ecosystem, in order of first appearance. */
function evaluateBatch(results, o) {
    const acc = new Map();
    for (const r of results) {
        let a = acc.get(r.ecosystem);
        if (!a)
            acc.set(r.ecosystem, (a = { passed: 0, failed: 0, skipped: 0, blocked: 0, durations: 0, durationCount: 0 }));
        a[r.result]++;
        if (r.duration_seconds !== undefined) {
            a.durations += r.duration_seconds;
            a.durationCount++;
        }
    }
    const ecosystems = [...acc].map(([ecosystem, a]) => {
        const attempts = a.passed + a.failed;
        const rate = attempts > 0 ? a.passed / attempts : null;
        const slo = sloFor(ecosystem, o.slo);
        const meanDurationSeconds = a.durationCount > 0 ? a.durations / a.durationCount : null;
        return {
            ecosystem,
            passed: a.passed,
            failed: a.failed,
            skipped: a.skipped,
            blocked: a.blocked,
            total: a.passed + a.failed + a.skipped + a.blocked,
            rate,
            slo,
            meanDurationSeconds,
            ...severityOf(rate, slo, meanDurationSeconds, o)
        };
    });
    const sum = (k) => ecosystems.reduce((n, e) => n + e[k], 0);
    const passed = sum('passed');
    const failed = sum('failed');
    return {
        ecosystems,
        passed,
        failed,
        skipped: sum('skipped'),
        blocked: sum('blocked'),
        total: results.length,
        rate: passed + failed > 0 ? passed / (passed + failed) : null,
        severity: worst(ecosystems.map((e) => e.severity))
    };
}
/** The most common failure categories, each with a few example recipes. */
function topFailureCategories(results, limit = 5, examples = 3) {
    const by = new Map();
    for (const r of results) {
        if (r.result !== 'failed')
            continue;
        const category = r.error_category || 'uncategorized';
        let c = by.get(category);
        if (!c)
            by.set(category, (c = { count: 0, examples: [] }));
        c.count++;
        if (c.examples.length < examples && !c.examples.includes(r.recipe))
            c.examples.push(r.recipe);
    }
    return [...by]
        .map(([category, c]) => ({ category, ...c }))
        .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category))
        .slice(0, limit);
}

;// CONCATENATED MODULE: ../../packages/core/src/batch-record.ts
// What record-batch writes (docs/contract.md §6): the metrics line, failure records,
// the batch manifest, the budget update and the upload bodies. All pure.



const RECORD_SCHEMA_VERSION = 1;
/** Batch IDs as file names: `YYYY-MM-DD` or `YYYY-MM-DD-NNN`, nothing else. */
const BATCH_ID_PATTERN = /^\d{4}-\d{2}-\d{2}(-\d{3})?$/;
const round4 = (x) => (x === null ? null : Math.round(x * 10000) / 10000);
/** One compact JSON line for the metrics file. */
function metricsLine(report, ctx) {
    const ecosystems = Object.fromEntries(report.ecosystems.map((e) => [
        e.ecosystem,
        {
            passed: e.passed,
            failed: e.failed,
            skipped: e.skipped,
            blocked: e.blocked,
            total: e.total,
            success_rate: round4(e.rate),
            slo: e.slo,
            severity: e.severity,
            mean_duration_seconds: round4(e.meanDurationSeconds)
        }
    ]));
    const line = {
        schema_version: RECORD_SCHEMA_VERSION,
        batch_id: ctx.batchId,
        started_at: ctx.startedAt,
        completed_at: ctx.completedAt,
        ecosystems,
        totals: { passed: report.passed, failed: report.failed, skipped: report.skipped, blocked: report.blocked, total: report.total },
        success_rate: round4(report.rate),
        severity: report.severity,
        minutes: ctx.minutes,
        run_url: ctx.runUrl ?? null
    };
    return JSON.stringify(line) + '\n';
}
/** Failure records, one JSON line per failed result, in the shell tooling's batch format plus context. */
function failureLines(results, ctx) {
    let out = '';
    for (const r of results) {
        if (r.result !== 'failed')
            continue;
        out +=
            JSON.stringify({
                schema_version: RECORD_SCHEMA_VERSION,
                batch_id: ctx.batchId,
                recipe: r.recipe,
                ecosystem: r.ecosystem,
                platform: r.platform ?? null,
                exit_code: r.exit_code ?? null,
                category: r.error_category || 'uncategorized',
                message: r.error_message ?? null,
                duration_seconds: r.duration_seconds ?? null,
                timestamp: ctx.completedAt
            }) + '\n';
    }
    return out;
}
/** Appends `lines` to an existing file's content (adding the missing final newline), or null when there is nothing to append. */
function appendLines(existing, lines) {
    if (lines === '')
        return existing;
    if (existing === null || existing === '')
        return lines;
    return (existing.endsWith('\n') ? existing : existing + '\n') + lines;
}
/**
 * The batch manifest after this record: merged with the one already there for
 * the same batch (a matrix records one ecosystem per job), so that it lists every
 * ecosystem's files. The first record's base commit stays; this record's files
 * win for a path both list.
 */
function mergeManifest(existing, m) {
    let prior;
    try {
        prior = existing ? JSON.parse(existing) : undefined;
    }
    catch {
        prior = undefined;
    }
    if (!prior || prior.batch_id !== m.batch_id || !Array.isArray(prior.files))
        return manifestJson(m);
    const files = new Map();
    for (const f of prior.files)
        if (f && typeof f.path === 'string' && (f.status === 'A' || f.status === 'M' || f.status === 'D'))
            files.set(f.path, { path: f.path, status: f.status });
    for (const f of m.files)
        files.set(f.path, f);
    return manifestJson({
        ...m,
        created_at: typeof prior.created_at === 'string' ? prior.created_at : m.created_at,
        base_commit: typeof prior.base_commit === 'string' ? prior.base_commit : m.base_commit,
        paths: [...new Set([...(Array.isArray(prior.paths) ? prior.paths.filter((p) => typeof p === 'string') : []), ...m.paths])],
        files: [...files.values()]
    });
}
function manifestJson(m) {
    const sorted = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return JSON.stringify({ schema_version: RECORD_SCHEMA_VERSION, ...m, files: sorted }, null, 2) + '\n';
}
/** `git diff --name-status` output → files; renames and copies must be disabled (--no-renames). */
function batch_record_parseNameStatus(text) {
    const out = [];
    // -z output: status NUL path NUL ...
    const parts = text.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) {
        const status = parts[i].trim().charAt(0);
        const path = parts[i + 1];
        if (path === '')
            continue;
        if (status === 'A' || status === 'D')
            out.push({ path, status });
        else if (status === 'M' || status === 'T')
            out.push({ path, status: 'M' });
    }
    return out;
}
/** The OS a job ran on, from its runner labels (`macos-14`, `windows-latest`, `self-hosted, macOS, ARM64`). */
function runnerOs(labels) {
    // `mac` as a word (macos-14, macOS, mac-mini), not inside one (machine, emacs).
    if (labels.some((l) => /(^|[^a-z])mac(os)?([^a-z]|$)/i.test(l)))
        return 'macos';
    if (labels.some((l) => /windows/i.test(l)))
        return 'windows';
    return 'linux';
}
/** Whole minutes of a finished job, rounded up (61 s → 2); null for a job that has not finished. */
function jobMinutes(job) {
    if (job.status !== 'completed' || !job.started_at || !job.completed_at)
        return null;
    const start = parseTimestamp(job.started_at);
    const end = parseTimestamp(job.completed_at);
    if (start === null || end === null || end < start)
        return null;
    return Math.ceil((end - start) / 60_000);
}
/** Minutes by OS over the finished jobs not already counted. */
function minutesFromJobs(jobs, alreadyCounted) {
    const minutes = { macos: 0, linux: 0, windows: 0 };
    const counted = [];
    for (const job of jobs) {
        if (alreadyCounted.has(job.id))
            continue;
        const m = jobMinutes(job);
        if (m === null)
            continue;
        minutes[runnerOs(job.labels)] += m;
        counted.push(job.id);
    }
    return { minutes, counted };
}
/** How many counted job IDs the budget remembers (several weeks of batches). */
const MAX_COUNTED_JOBS = 1000;
/** Job IDs already added to the budget (kept in the budget so that two record-batch steps of one run do not count a job twice). */
function countedJobs(budget) {
    const ids = budget?.counted_job_ids;
    return new Set(Array.isArray(ids) ? ids.filter((x) => typeof x === 'number') : []);
}
/**
 * Adds minutes to the week's budget (rolling the week first). With `jobIds`,
 * remembers them so that the same jobs are never counted again this week.
 */
function addBudgetMinutes(doc, minutes, now, jobIds) {
    const next = cloneControl(doc);
    const { budget: rolled } = rollBudgetWeek(next.budget, now);
    const b = { ...rolled };
    b.macos_minutes_used = (b.macos_minutes_used ?? 0) + minutes.macos;
    b.linux_minutes_used = (b.linux_minutes_used ?? 0) + minutes.linux;
    if (minutes.windows > 0 || b.windows_minutes_used !== undefined)
        b.windows_minutes_used = (b.windows_minutes_used ?? 0) + minutes.windows;
    // Kept across the week boundary (a run that spans Sunday midnight must not count a job twice),
    // and bounded: the most recent MAX_COUNTED_JOBS.
    if (jobIds && jobIds.length > 0)
        b.counted_job_ids = [...countedJobs(b), ...jobIds].slice(-MAX_COUNTED_JOBS);
    next.budget = b;
    return next;
}
/**
 * Shares `minutes` among `weights` in hundredths of a minute, so that the
 * shares sum back to the whole (largest remainder; ties to the first).
 */
function shareMinutes(minutes, weights) {
    const cents = Math.round(minutes * 100);
    const sum = weights.reduce((a, b) => a + b, 0);
    if (sum <= 0)
        return weights.map(() => 0);
    const exact = weights.map((w) => (cents * w) / sum);
    const out = exact.map((x) => Math.floor(x));
    let left = cents - out.reduce((a, b) => a + b, 0);
    const order = exact.map((x, i) => ({ rest: x - out[i], i })).sort((a, b) => b.rest - a.rest || a.i - b.i);
    for (const { i } of order) {
        if (left <= 0)
            break;
        out[i]++;
        left--;
    }
    return out.map((c) => c / 100);
}
/** The metrics Worker's limits on a result's text fields (longer ones are refused with 400). */
const MAX_UPLOAD_MESSAGE = 8192;
const MAX_UPLOAD_CATEGORY = 128;
/** At most `max` characters, marked as cut (the full text stays in the failure records in git). */
function clip(s, max) {
    return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
/**
 * One body per ecosystem, in the shape of the D1 schema. The run's minutes are
 * shared among the ecosystems by their number of results (D1 sums them back).
 * `skipped` counts skipped and blocked results, as the schema has no blocked column.
 */
function uploadBodies(results, report, ctx) {
    const weights = report.ecosystems.map((e) => e.total);
    const macos = shareMinutes(ctx.minutes.macos, weights);
    const linux = shareMinutes(ctx.minutes.linux + ctx.minutes.windows, weights);
    return report.ecosystems.map((e, i) => ({
        batch_id: ctx.batchId,
        ecosystem: e.ecosystem,
        started_at: ctx.startedAt,
        completed_at: ctx.completedAt,
        total_recipes: e.total,
        passed: e.passed,
        failed: e.failed,
        skipped: e.skipped + e.blocked,
        success_rate: round4(e.rate) ?? 0,
        macos_minutes: macos[i],
        linux_minutes: linux[i],
        results: results
            .filter((r) => r.ecosystem === e.ecosystem)
            .map((r) => ({
            recipe_name: r.recipe,
            ecosystem: r.ecosystem,
            result: r.result,
            error_category: r.error_category === undefined ? null : clip(r.error_category, MAX_UPLOAD_CATEGORY),
            error_message: r.error_message === undefined ? null : clip(r.error_message, MAX_UPLOAD_MESSAGE),
            duration_seconds: r.duration_seconds ?? 0
        }))
    }));
}
/**
 * The budget after this batch: explicit minutes when given, else the run's
 * finished jobs not counted yet (another record-batch of the same run may have
 * counted some). The document is returned unchanged when there is nothing to add.
 */
function recordBudget(doc, source, now) {
    if (source.explicit) {
        const m = source.explicit;
        return { doc: m.macos + m.linux + m.windows > 0 ? addBudgetMinutes(doc, m, now) : doc, minutes: m, counted: [] };
    }
    if (!source.jobs)
        return { doc, minutes: { macos: 0, linux: 0, windows: 0 }, counted: [] };
    const { minutes, counted } = minutesFromJobs(source.jobs, countedJobs(doc.budget));
    return { doc: counted.length > 0 ? addBudgetMinutes(doc, minutes, now, counted) : doc, minutes, counted };
}

;// CONCATENATED MODULE: ../../packages/core/src/rollback.ts
// The rollback planner (docs/contract.md §7), pure.
//
// Given the first-parent history of the base branch (newest first, each commit
// with the files it changed), it finds the batch's commits (an exact
// `batch_id: <id>` line or `Batch-Id: <id>` trailer, rollback commits excluded,
// plus the commit that added the batch manifest, for the files the manifest
// lists) and decides for each file under `paths`: delete it (the batch added
// it), restore it to its content before the batch (modified or deleted), or
// report a conflict (a commit outside the batch changed it afterwards).
function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/** Whether a commit message marks the commit as part of batch `id`: a whole line, exactly. */
function batchLineMatcher(id) {
    const re = new RegExp(`^(?:batch_id: ${escapeRegExp(id)}|Batch-Id: ${escapeRegExp(id)})[ \\t]*$`, 'm');
    return (message) => re.test(message);
}
const ROLLBACK_OF = /^Rollback-Of: (.+?)[ \t]*$/m;
/** The batch a rollback commit took back out, if the message is one. */
function rollbackOf(message) {
    return ROLLBACK_OF.exec(message)?.[1];
}
/** Whether `file` lies under one of `paths` (a directory with or without '/', or the file itself). */
function underPaths(file, paths) {
    return paths.some((p) => {
        const clean = p.replace(/^\.\//, '').replace(/\/+$/, '');
        return clean === '' || clean === '.' || file === clean || file.startsWith(clean + '/');
    });
}
/** The commit that added the manifest file, if the history has one. */
function findManifestCommit(history, manifestPath) {
    // Newest first: the last match is the oldest, i.e. the commit that first added it.
    let found;
    for (const c of history)
        if (c.changes.some((ch) => ch.path === manifestPath && ch.status === 'A'))
            found = c;
    return found;
}
function planRollback(input) {
    const isBatch = batchLineMatcher(input.batchId);
    const manifestCommit = findManifestCommit(input.history, input.manifestPath);
    const listed = new Set((input.manifest?.files ?? []).map((f) => f.path));
    // Oldest first from here on.
    const ordered = [...input.history].reverse();
    const index = new Map(ordered.map((c, i) => [c.sha, i]));
    const inBatch = new Set();
    for (const c of ordered) {
        if (rollbackOf(c.message) !== undefined)
            continue;
        if (isBatch(c.message))
            inBatch.add(c.sha);
    }
    const touched = new Map();
    const note = (c, i, ch) => {
        if (!underPaths(ch.path, input.paths))
            return;
        const t = touched.get(ch.path);
        if (!t)
            touched.set(ch.path, { first: i, firstStatus: ch.status, firstParent: c.parent, last: i, commits: [c.sha] });
        else {
            t.last = i;
            t.commits.push(c.sha);
        }
    };
    ordered.forEach((c, i) => {
        if (inBatch.has(c.sha))
            for (const ch of c.changes)
                note(c, i, ch);
        else if (manifestCommit && c.sha === manifestCommit.sha)
            for (const ch of c.changes)
                if (listed.has(ch.path))
                    note(c, i, ch);
    });
    // Files the manifest lists that no found commit changed (the batch's own commits
    // carried no marker): their content before the batch is at the manifest's base commit.
    if (manifestCommit && input.manifest?.base_commit) {
        const i = index.get(manifestCommit.sha);
        for (const f of input.manifest.files) {
            if (touched.has(f.path) || !underPaths(f.path, input.paths))
                continue;
            touched.set(f.path, { first: i, firstStatus: f.status, firstParent: input.manifest.base_commit, last: i, commits: [manifestCommit.sha] });
        }
    }
    const files = [];
    const conflicts = [];
    const alreadyRolledBack = [];
    const later = new Map();
    ordered.forEach((c, i) => {
        if (inBatch.has(c.sha) || c.sha === manifestCommit?.sha)
            return;
        for (const ch of c.changes) {
            const t = touched.get(ch.path);
            if (t && i > t.last) {
                const list = later.get(ch.path) ?? [];
                list.push(c);
                later.set(ch.path, list);
            }
        }
    });
    for (const [path, t] of [...touched].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const planned = {
            path,
            action: t.firstStatus === 'A' ? 'delete' : 'restore',
            before: t.firstStatus === 'A' ? null : { commit: t.firstParent },
            commits: t.commits
        };
        const after = later.get(path) ?? [];
        // A later rollback of this very batch means the file is already back.
        if (after.length > 0 && after.every((c) => rollbackOf(c.message) === input.batchId)) {
            alreadyRolledBack.push(path);
            continue;
        }
        const foreign = after.filter((c) => rollbackOf(c.message) !== input.batchId);
        if (foreign.length > 0) {
            conflicts.push({ ...planned, later: foreign.map((c) => ({ sha: c.sha, subject: c.subject })) });
            if (input.force)
                files.push(planned);
        }
        else
            files.push(planned);
    }
    return {
        batchCommits: ordered.filter((c) => inBatch.has(c.sha)).map((c) => c.sha),
        manifestCommit: manifestCommit?.sha,
        files,
        conflicts,
        alreadyRolledBack
    };
}
/**
 * Parses `git log -z --name-status --format=%x1e%H%x00%P%x00%B%x00` output
 * (newest first). With `keep`, only changes to the files it accepts are kept,
 * and commits left with none are dropped, unless `keepMessage` accepts their message.
 */
function parseLog(text, keep, keepMessage) {
    const out = [];
    for (const record of text.split('\x1e')) {
        if (record === '')
            continue;
        const parts = record.split('\0');
        const sha = parts[0].trim();
        if (sha === '')
            continue;
        const parent = (parts[1] ?? '').split(' ')[0] ?? '';
        const message = parts[2] ?? '';
        const changes = [];
        // After the message: an empty field, then "\n<status>", path, status, path, …
        const rest = parts.slice(3).filter((p) => p !== '');
        for (let i = 0; i + 1 < rest.length; i += 2) {
            const status = rest[i].replace(/^\n+/, '').charAt(0);
            const path = rest[i + 1];
            if (keep && !keep(path))
                continue;
            if (status === 'A' || status === 'D')
                changes.push({ path, status });
            else if (status === 'M' || status === 'T')
                changes.push({ path, status: 'M' });
        }
        if (keep && changes.length === 0 && !keepMessage?.(message))
            continue;
        out.push({ sha, parent, subject: message.split('\n')[0] ?? '', message, changes });
    }
    return out;
}
function nextRollbackStep(p, dryRun) {
    if (p.files.length + p.conflicts.length + p.alreadyRolledBack.length === 0) {
        const found = p.batchCommits.length + (p.manifestCommit ? 1 : 0) > 0;
        return { kind: 'nothing-found', why: found ? 'its commits changed no file under paths' : 'no commit marks this batch' };
    }
    if (dryRun)
        return { kind: 'dry-run' };
    if (p.files.length > 0)
        return { kind: 'rollback' };
    return p.conflicts.length > 0 ? { kind: 'all-conflicts' } : { kind: 'already-rolled-back' };
}

;// CONCATENATED MODULE: ../../packages/core/src/index.ts

















;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ../../packages/runtime/src/git.ts
// Runs git with an argument array (never a shell string).

class git_GitError extends Error {
    args;
    code;
    stderr;
    stdout;
    constructor(args, code, stderr, stdout = '') {
        super(`git ${args.join(' ')} failed (${code}): ${stderr.trim() || 'no output'}`);
        this.args = args;
        this.code = code;
        this.stderr = stderr;
        this.stdout = stdout;
        this.name = 'GitError';
    }
}
function git_git(args, opts) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.execFile)('git', args, {
            cwd: opts.cwd,
            env: { ...process.env, ...opts.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
            maxBuffer: 1024 * 1024 * 1024,
            encoding: 'utf8'
        }, (err, stdout, stderr) => {
            if (!err)
                return resolve({ stdout, code: 0 });
            const code = typeof err.code === 'number' ? err.code : null;
            if (code !== null && opts.okCodes?.includes(code))
                return resolve({ stdout, code });
            reject(new git_GitError(args, err.code ?? null, stderr, stdout));
        });
        if (opts.input !== undefined)
            child.stdin?.end(opts.input);
    });
}

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ../../packages/runtime/src/git-tree.ts
// Commits built with git's plumbing in a private index: the working tree and
// the real index are never touched, and only the named paths change.




const git_tree_BOT = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };
const ZERO = '0000000000000000000000000000000000000000';
/** Writes `content` as a blob and returns its ID. */
async function git_tree_writeBlob(root, content) {
    return (await git(['hash-object', '-w', '--stdin'], { cwd: root, input: content })).stdout.trim();
}
/**
 * A commit on top of `base` (its tree with `entries` applied), with `message`,
 * authored and committed by `who`. Returns the commit and its tree.
 */
async function git_tree_commitEntries(root, base, entries, message, who = git_tree_BOT) {
    const dir = await (0,promises_namespaceObject.mkdtemp)(external_node_path_default().join((0,external_node_os_namespaceObject.tmpdir)(), 'batch-ops-index-'));
    const env = { GIT_INDEX_FILE: external_node_path_default().join(dir, 'index') };
    try {
        await git_git(['read-tree', base], { cwd: root, env });
        // One update-index for every entry: "mode SP blob TAB path", mode 0 removes.
        const info = entries.map((e) => ('remove' in e ? `0 ${ZERO}\t${e.path}` : `${e.mode} ${e.blob}\t${e.path}`)).join('\0');
        if (info !== '')
            await git_git(['update-index', '-z', '--index-info'], { cwd: root, env, input: info + '\0' });
        const tree = (await git_git(['write-tree'], { cwd: root, env })).stdout.trim();
        const ident = { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email };
        const commit = (await git_git(['commit-tree', tree, '-p', base, '-F', '-'], { cwd: root, env: ident, input: message })).stdout.trim();
        return { commit, tree };
    }
    finally {
        await (0,promises_namespaceObject.rm)(dir, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ../../packages/runtime/src/store.ts
// The git store (docs/contract.md §3).
//
// A change is a function from the files as they are to the files as they
// should be. It is applied to the branch as it is on origin now, committed (only the
// files it changed) and pushed. When the push is rejected because the branch
// moved, the store fetches the branch, applies the same function to the files
// as they now are on the remote, and tries again with jittered backoff. It
// never merges text and never force-pushes.




/** The push kept being rejected, or git failed: nothing was pushed. */
class StoreError extends Error {
    intended;
    attempts;
    constructor(message, intended, attempts) {
        super(message);
        this.intended = intended;
        this.attempts = attempts;
        this.name = 'StoreError';
    }
}
const RETRYABLE = /non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value|stale info|\[rejected\]/i;
function delay(ms) {
    return new Promise((r) => setTimeout(r, ms));
}
async function readWorktree(abs) {
    try {
        return await readFile(abs, 'utf8');
    }
    catch (e) {
        if (e.code === 'ENOENT')
            return null;
        throw e;
    }
}
async function writeWorktree(abs, content) {
    if (content === null) {
        await unlink(abs).catch((e) => {
            if (e.code !== 'ENOENT')
                throw e;
        });
        return;
    }
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
}
/** Resolves `file` against `cwd` and refuses anything that leaves `root`. */
function store_confine(root, cwd, file) {
    const abs = path.resolve(cwd, file);
    const rel = path.relative(root, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new Error(`path ${JSON.stringify(file)} is outside the repository at ${root}`);
    }
    return { abs, rel: rel.split(path.sep).join('/') };
}
async function changedFiles(files, snapshot) {
    const out = [];
    for (const [file, content] of Object.entries(files)) {
        if ((await snapshot.read(file)) !== content)
            out.push(file);
    }
    return out;
}
/** Applies `apply` to the working tree only (persist: 'false'). */
async function applyToWorktree(opts, apply) {
    const where = (f) => store_confine(opts.cwd, opts.cwd, f).abs;
    const snapshot = { read: (f) => readWorktree(where(f)) };
    const change = await apply(snapshot, 1);
    const changed = await changedFiles(change.files, snapshot);
    for (const f of changed)
        await writeWorktree(where(f), change.files[f]);
    return { result: change.result, changed, attempts: 1 };
}
/**
 * Applies `apply` to `initial`, commits and pushes; when the push is rejected,
 * fetches and applies the same function to the new tip. The change is always
 * recomputed from the state it is committed on, so N concurrent writers end
 * with all N changes, as if applied one after another.
 */
async function reapplyUntilPushed(remote, initial, apply, opts) {
    const max = Math.max(1, opts.maxAttempts);
    const random = opts.random ?? Math.random;
    const sleep = opts.sleep ?? delay;
    const backoff = opts.backoffMs ?? 250;
    const where = opts.where ?? 'the remote';
    let base = initial;
    let intended = {};
    let lastReason = '';
    for (let attempt = 1; attempt <= max; attempt++) {
        const snapshot = remote.snapshot(base);
        const change = await apply(snapshot, attempt);
        const changed = await changedFiles(change.files, snapshot);
        if (changed.length === 0)
            return { result: change.result, changed, attempts: attempt, written: {} };
        intended = Object.fromEntries(changed.map((f) => [f, change.files[f]]));
        const commit = await remote.commit(base, intended, change.message);
        let pushed;
        try {
            pushed = await remote.push(commit);
        }
        catch (e) {
            throw new StoreError(e.message, intended, attempt);
        }
        if (pushed.ok)
            return { result: change.result, changed, commit, attempts: attempt, written: intended };
        lastReason = pushed.reason;
        if (attempt === max)
            break;
        const wait = Math.round(random() * Math.min(backoff * 30, backoff * 2 ** (attempt - 1)));
        opts.log?.(`Push to ${where} rejected (attempt ${attempt}/${max}): the branch moved. Re-applying the change to the new state in ${wait} ms.`);
        await sleep(wait);
        base = await remote.refetch();
    }
    throw new StoreError(`Could not push to ${where} after ${max} attempts: every push was rejected because the branch kept moving ` +
        `(last: ${lastReason}). Nothing was pushed. Re-run the job, or raise max-attempts.`, intended, max);
}
class GitStore {
    opts;
    root;
    constructor(opts, root) {
        this.opts = opts;
        this.root = root;
    }
    static async open(opts) {
        const { stdout } = await git(['rev-parse', '--show-toplevel'], { cwd: opts.cwd }).catch((e) => {
            throw new Error(`${opts.cwd} is not inside a git repository, so the change cannot be committed and pushed ` +
                `(run actions/checkout first, or set persist: 'false'): ${e.message}`);
        });
        return new GitStore(opts, stdout.trim());
    }
    run(args, extra = {}) {
        return git(args, { cwd: this.root, ...extra });
    }
    /** The branch to push to: the checked-out one, or the one GITHUB_REF names when HEAD is detached. */
    async branch() {
        const { stdout, code } = await this.run(['symbolic-ref', '-q', '--short', 'HEAD'], { okCodes: [1] });
        if (code === 0 && stdout.trim())
            return stdout.trim();
        const ref = this.opts.fallbackRef ?? '';
        if (ref.startsWith('refs/heads/'))
            return ref.slice('refs/heads/'.length);
        throw new Error(`HEAD is detached and GITHUB_REF (${ref || 'unset'}) does not name a branch, so there is no branch to push the change to. ` +
            `Check out a branch (actions/checkout with ref: <branch>) or set persist: 'false'.`);
    }
    snapshotAt(base) {
        const cache = new Map();
        return {
            commit: base,
            root: this.root,
            read: (file) => {
                const { rel } = store_confine(this.root, this.opts.cwd, file);
                let p = cache.get(rel);
                if (!p) {
                    p = (async () => {
                        const found = await this.run(['rev-parse', '--verify', '--quiet', `${base}:${rel}`], { okCodes: [1, 128] });
                        if (found.code !== 0)
                            return null;
                        const object = found.stdout.trim();
                        const blob = await this.run(['cat-file', 'blob', object], { okCodes: [128] });
                        if (blob.code === 0)
                            return blob.stdout;
                        const type = (await this.run(['cat-file', '-t', object])).stdout.trim();
                        throw new Error(`${rel} is ${type === 'tree' ? 'a directory' : `a git ${type}`} in commit ${base.slice(0, 12)}, not a file`);
                    })();
                    cache.set(rel, p);
                }
                return p;
            }
        };
    }
    /** A commit with `files` on top of `base`, built in a private index (the real one is not touched). */
    async commitOnto(base, files, message) {
        const entries = [];
        for (const [file, content] of Object.entries(files)) {
            const { rel } = store_confine(this.root, this.opts.cwd, file);
            entries.push(content === null ? { path: rel, remove: true } : { path: rel, mode: '100644', blob: await writeBlob(this.root, content) });
        }
        return (await commitEntries(this.root, base, entries, message, this.opts.author ?? BOT)).commit;
    }
    /** Moves the local checkout to `commit` when that is a fast-forward; otherwise writes the files only. */
    async syncCheckout(oldHead, commit, files) {
        const ff = await this.run(['merge-base', '--is-ancestor', oldHead, commit], { okCodes: [1] });
        if (ff.code === 0) {
            try {
                await this.run(['read-tree', '-m', '-u', oldHead, commit]);
                await this.run(['update-ref', '-m', 'batch-ops: fast-forward to pushed state', 'HEAD', commit, oldHead]);
                return;
            }
            catch (e) {
                this.opts.log?.(`Could not fast-forward the local checkout (${e.message}); writing the changed files only.`);
            }
        }
        for (const [file, content] of Object.entries(files))
            await writeWorktree(path.resolve(this.opts.cwd, file), content);
    }
    async update(apply) {
        const branch = await this.branch();
        const head = (await this.run(['rev-parse', 'HEAD'])).stdout.trim();
        const remote = {
            snapshot: (base) => this.snapshotAt(base),
            commit: (base, files, message) => this.commitOnto(base, files, message),
            push: async (commit) => {
                try {
                    const { stdout } = await this.run(['push', '--porcelain', 'origin', `${commit}:refs/heads/${branch}`]);
                    // '=' (up to date): the branch already is this very commit. Another run made the same
                    // change on the same base in the same second (commits are deterministic) and pushed it
                    // first; ours added nothing, so it must be re-applied on top of theirs.
                    if (/^=\t/m.test(stdout))
                        return { ok: false, reason: 'another run pushed an identical commit first' };
                    return { ok: true };
                }
                catch (e) {
                    // With --porcelain, git reports the rejection ("[rejected] (fetch first)") on stdout.
                    if (e instanceof GitError && RETRYABLE.test(`${e.stdout}\n${e.stderr}\n${e.message}`)) {
                        const rejected = e.stdout.split('\n').find((l) => l.startsWith('!'));
                        return { ok: false, reason: (rejected ?? e.stderr).trim().split('\n').slice(-3).join(' / ') };
                    }
                    throw new Error(`git push to origin ${branch} failed and is not retryable: ${e.message}`);
                }
            },
            refetch: async () => {
                await this.run(['fetch', '--no-tags', '--quiet', 'origin', `refs/heads/${branch}`]);
                return (await this.run(['rev-parse', 'FETCH_HEAD'])).stdout.trim();
            }
        };
        // Decide on the remote's current state, not on the checkout, which may be minutes old:
        // a decision that writes nothing (skip, ignore) is never checked by a push.
        const tip = await remote.refetch();
        const outcome = await reapplyUntilPushed(remote, tip, apply, { ...this.opts, where: `origin ${branch}` });
        if (outcome.commit)
            await this.syncCheckout(head, outcome.commit, outcome.written);
        return { result: outcome.result, changed: outcome.changed, commit: outcome.commit, attempts: outcome.attempts };
    }
}
/** Applies a change through git (persist) or to the working tree only. */
async function applyChange(opts, apply) {
    if (!opts.persist)
        return applyToWorktree(opts, apply);
    const store = await GitStore.open(opts);
    return store.update(apply);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ../../packages/runtime/src/workflow-commands.ts
// The runner protocol, written directly: workflow commands on stdout
// (`::error file=…,line=…::message`, `::add-mask::`) and the file commands
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
//
// @actions/core does the same, but it also loads an HTTP client for OIDC
// tokens that batch-ops never asks for; that costs ~37 ms at the start of every
// step (measured with Node 24 on the 2-core machine: an empty bundle 24 ms,
// one that imports @actions/core 61 ms), more than the rest of preflight-check.



/** Escaping of a command's message (`%`, CR and LF). */
function escapeData(s) {
    return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** Escaping of a command's property values (also `:` and `,`). */
function escapeProperty(s) {
    return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/** `::name k=v,…::message`; properties in a fixed order: title, file, line, col. */
function formatCommand(name, props, message) {
    const parts = [];
    if (props.title !== undefined)
        parts.push(`title=${escapeProperty(props.title)}`);
    if (props.file !== undefined)
        parts.push(`file=${escapeProperty(props.file)}`);
    if (props.line !== undefined)
        parts.push(`line=${props.line}`);
    if (props.col !== undefined)
        parts.push(`col=${props.col}`);
    return `::${name}${parts.length > 0 ? ' ' + parts.join(',') : ''}::${escapeData(message)}`;
}
function issue(name, message, props = {}) {
    process.stdout.write(formatCommand(name, props, message) + external_node_os_namespaceObject.EOL);
}
/** The variable the runner sets for an input: INPUT_ + the name upper-cased, spaces as '_', hyphens kept. */
function inputVariable(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
function readInput(name, env = process.env) {
    return (env[inputVariable(name)] ?? '').trim();
}
/** A `name<<delimiter` block for GITHUB_OUTPUT, with a delimiter that cannot occur in the value. */
function outputBlock(name, value) {
    const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
    if (name.includes(delimiter) || value.includes(delimiter))
        throw new Error(`output ${name}: value contains the delimiter`);
    return `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`;
}
function setOutputValue(name, value, env = process.env) {
    const file = env.GITHUB_OUTPUT;
    if (file)
        (0,external_node_fs_namespaceObject.appendFileSync)(file, outputBlock(name, value), 'utf8');
    // Outside a runner: show it, in the old command form that older runners also understand.
    else
        process.stdout.write(`::set-output name=${escapeProperty(name)}::${escapeData(value)}${external_node_os_namespaceObject.EOL}`);
}
/** Appends to the job summary; false outside a runner (no GITHUB_STEP_SUMMARY). */
function appendSummary(markdown, env = process.env) {
    const file = env.GITHUB_STEP_SUMMARY;
    if (!file)
        return false;
    (0,external_node_fs_namespaceObject.appendFileSync)(file, markdown.endsWith('\n') ? markdown : markdown + external_node_os_namespaceObject.EOL, 'utf8');
    return true;
}

;// CONCATENATED MODULE: ../../packages/runtime/src/runner.ts
// The runner adapter (docs/contract.md §2): inputs, outputs, the job summary, annotations, the clock.



/** A problem with how the action was called: the message says which input and what to do. */
class runner_InputError extends Error {
    constructor(message) {
        super(message);
        this.name = 'InputError';
    }
}
function raw(name) {
    return readInput(name);
}
function stringInput(name, fallback = '') {
    const v = raw(name);
    return v === '' ? fallback : v;
}
function requiredInput(name) {
    const v = raw(name);
    if (v === '')
        throw new runner_InputError(`input '${name}' is required; set it in the step's with: block`);
    return v;
}
function runner_booleanInput(name, fallback) {
    const v = raw(name);
    if (v === '')
        return fallback;
    if (v === 'true' || v === 'True' || v === 'TRUE')
        return true;
    if (v === 'false' || v === 'False' || v === 'FALSE')
        return false;
    throw new runner_InputError(`input '${name}' must be 'true' or 'false' (got ${JSON.stringify(v)})`);
}
function runner_numberInput(name, fallback, rule = {}) {
    const v = raw(name);
    if (v === '')
        return fallback;
    const n = Number(v);
    const kind = rule.integer ? 'a whole number' : 'a number';
    const bounds = [];
    if (rule.min !== undefined)
        bounds.push(`${rule.exclusiveMin ? '>' : '>='} ${rule.min}`);
    if (rule.max !== undefined)
        bounds.push(`<= ${rule.max}`);
    const wanted = `${kind}${bounds.length ? ' ' + bounds.join(' and ') : ''}`;
    const bad = !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ||
        !Number.isFinite(n) ||
        (rule.integer && !Number.isInteger(n)) ||
        (rule.min !== undefined && (rule.exclusiveMin ? n <= rule.min : n < rule.min)) ||
        (rule.max !== undefined && n > rule.max);
    if (bad)
        throw new runner_InputError(`input '${name}' must be ${wanted} (got ${JSON.stringify(v)})`);
    return n;
}
function listInput(name) {
    const v = raw(name);
    return v === '' ? null : parseList(v);
}
/** Masks a secret input before anything can log it; returns its value. */
function secretInput(name) {
    const v = raw(name);
    // Masked before anything else can print it; each line of a multi-line secret is masked too.
    if (v !== '')
        for (const part of [v, ...v.split(/\r?\n/)])
            if (part.trim() !== '')
                issue('add-mask', part);
    return v;
}
function setOutput(name, value) {
    setOutputValue(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
}
function props(where) {
    const p = {};
    if (where.title)
        p.title = where.title;
    if (where.file)
        p.file = where.file;
    if (where.line !== undefined)
        p.line = where.line;
    if (where.column !== undefined)
        p.col = where.column;
    return p;
}
const runner_annotate = {
    error: (message, where = {}) => issue('error', message, props(where)),
    warning: (message, where = {}) => issue('warning', message, props(where)),
    notice: (message, where = {}) => issue('notice', message, props(where))
};
const log = {
    info: (m) => void process.stdout.write(m + '\n'),
    debug: (m) => issue('debug', m)
};
/** The time to evaluate at: BATCH_OPS_NOW (RFC 3339) when set, else the clock. */
function now(env = process.env) {
    const pinned = env.BATCH_OPS_NOW?.trim();
    if (!pinned)
        return Date.now();
    const ms = parseTimestamp(pinned);
    if (ms === null)
        throw new runner_InputError(`BATCH_OPS_NOW must be an RFC 3339 timestamp such as 2026-01-05T12:00:00Z (got ${JSON.stringify(pinned)})`);
    return ms;
}
/** Paths in inputs are relative to GITHUB_WORKSPACE (the current directory when unset). */
function runner_workspace(env = process.env) {
    return external_node_path_default().resolve(env.GITHUB_WORKSPACE || process.cwd());
}
function runUrl(env = process.env) {
    const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
    if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID)
        return undefined;
    return `${GITHUB_SERVER_URL || 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`;
}
/** Appends markdown to the job summary (GITHUB_STEP_SUMMARY); a no-op outside a runner. */
async function writeSummary(markdown) {
    if (!appendSummary(markdown))
        log.info(markdown);
}
function fail(message) {
    process.exitCode = 1;
    runner_annotate.error(message);
}

;// CONCATENATED MODULE: ../../packages/runtime/src/control.ts
// Reading the control file through a store snapshot, failing closed.

/** The control file is unreadable or invalid: nothing may proceed and nothing is written. */
class ControlFileError extends Error {
    file;
    problems;
    constructor(file, problems) {
        super(`${file} is not a valid control file (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` +
            problems.map((p) => `line ${p.line}: ${p.path} ${p.message}`).join('; ') +
            `. Nothing was done and nothing was written; fix the file and re-run.`);
        this.file = file;
        this.problems = problems;
        this.name = 'ControlFileError';
    }
}
async function readControl(snapshot, file) {
    let text;
    try {
        text = await snapshot.read(file);
    }
    catch (e) {
        throw new ControlFileError(file, [{ path: '$', line: 1, column: 1, message: `cannot be read: ${e.message}` }]);
    }
    const load = loadControl(text);
    if (!load.ok)
        throw new ControlFileError(file, load.problems);
    return load;
}

;// CONCATENATED MODULE: ../../packages/runtime/src/action.ts
// The frame every action's run() shares: turn failures into an error an operator
// can act on, an annotation, a job summary and a non-zero exit.


/** A file the step was given (not the control file) is malformed: nothing was written. */
class InputFileError extends Error {
    file;
    what;
    problems;
    constructor(file, what, problems) {
        super(`${file} is not a valid ${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}${problems.length >= 20 ? ' or more' : ''}): ` +
            problems.slice(0, 5).map((p) => `${p.where} (line ${p.line}): ${p.message}`).join('; ') +
            `. Nothing was written; fix the file and re-run.`);
        this.file = file;
        this.what = what;
        this.problems = problems;
        this.name = 'InputFileError';
    }
}


function failureSummary(title, error) {
    const lines = [`## ${md(title)}: failed\n`];
    if (error instanceof ControlFileError) {
        lines.push(`The control file ${code(error.file)} is unreadable or invalid, so this step **failed closed**: it proceeded with nothing and wrote nothing.\n`);
        lines.push(table(['line', 'JSON path', 'problem'], error.problems.map((p) => [String(p.line), code(p.path), md(p.message)])));
        lines.push(`\nFix the file (its JSON Schema ships with batch-ops: \`packages/core/schema/batch-control.schema.json\`) and re-run.\n`);
    }
    else if (error instanceof InputFileError) {
        lines.push(`${code(error.file)} is not a valid ${md(error.what)}, so nothing was recorded or written.\n`);
        lines.push(table(['line', 'record', 'problem'], error.problems.map((p) => [String(p.line), md(p.where), md(p.message)])));
    }
    else if (error instanceof runner_InputError) {
        lines.push(`The step was called with an invalid input, so it did nothing:\n\n> ${md(error.message)}\n`);
    }
    else if (error instanceof StoreError) {
        lines.push(`The change could not be pushed (${error.attempts} attempt${error.attempts === 1 ? '' : 's'}):\n\n> ${md(error.message)}\n`);
        for (const [file, content] of Object.entries(error.intended)) {
            lines.push(`The change it meant to make to ${code(file)}:\n\n${content === null ? '(delete the file)\n' : fenced(content, 'json')}`);
        }
    }
    else {
        lines.push(`> ${md(error?.message ?? String(error))}\n`);
    }
    return lines.join('\n');
}
/**
 * Reports a failure: annotations (pointing into the control file where that is
 * where the problem is), the summary, and a failed step.
 */
async function reportFailure(title, error) {
    if (error instanceof ControlFileError) {
        for (const p of error.problems) {
            runner_annotate.error(`Invalid control file: ${p.path} ${p.message}`, { file: error.file, line: p.line, column: p.column });
        }
    }
    if (error instanceof InputFileError) {
        for (const p of error.problems)
            runner_annotate.error(`${error.what}: ${p.where}: ${p.message}`, { file: error.file, line: p.line });
    }
    try {
        await writeSummary(failureSummary(title, error));
    }
    catch (e) {
        runner_annotate.warning(`Could not write the job summary: ${e.message}`);
    }
    fail(error?.message ?? String(error));
}

;// CONCATENATED MODULE: ../../packages/runtime/src/github.ts
// The GitHub REST client: the little of the API batch-ops uses, through @actions/github.
/** The current workflow run, from GITHUB_REPOSITORY and GITHUB_RUN_ID; undefined outside a run. */
function currentRun(env = process.env) {
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    const runId = Number(env.GITHUB_RUN_ID);
    if (!owner || !repo || !Number.isInteger(runId) || runId <= 0)
        return undefined;
    return { owner, repo, runId };
}
/** An Octokit for the REST API at GITHUB_API_URL (GitHub Enterprise, or a local fake in tests). */
async function octokit(token) {
    // Loaded on first use: most runs never call the API, and the client is most of the bundle.
    const github = await __nccwpck_require__.e(/* import() */ 329).then(__nccwpck_require__.bind(__nccwpck_require__, 1329));
    return github.getOctokit(token, { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com' });
}
/** Every job of a run, all attempts (`filter=all`), following pagination. */
async function listRunJobs(token, run) {
    const client = await octokit(token);
    const jobs = await client.paginate(client.rest.actions.listJobsForWorkflowRun, {
        owner: run.owner,
        repo: run.repo,
        run_id: run.runId,
        filter: 'all',
        per_page: 100
    });
    return jobs.map((j) => ({
        id: j.id,
        status: j.status,
        started_at: j.started_at ?? null,
        completed_at: j.completed_at ?? null,
        labels: j.labels ?? []
    }));
}
function currentRepo(env = process.env) {
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    return owner && repo ? { owner, repo } : undefined;
}
/**
 * Opens a pull request from `head` into `base`, or updates the open one for
 * that branch (title and body), so that running twice leaves one.
 */
async function upsertPullRequest(token, r, pr) {
    const client = await octokit(token);
    const open = await client.rest.pulls.list({ owner: r.owner, repo: r.repo, head: `${r.owner}:${pr.head}`, state: 'open', per_page: 10 });
    const existing = open.data.find((p) => p.head.ref === pr.head);
    if (existing) {
        const updated = await client.rest.pulls.update({ owner: r.owner, repo: r.repo, pull_number: existing.number, title: pr.title, body: pr.body });
        return { number: updated.data.number, url: updated.data.html_url, created: false };
    }
    const created = await client.rest.pulls.create({ owner: r.owner, repo: r.repo, head: pr.head, base: pr.base, title: pr.title, body: pr.body });
    return { number: created.data.number, url: created.data.html_url, created: true };
}
async function addLabels(token, r, issue, labels) {
    if (labels.length === 0)
        return;
    const client = await octokit(token);
    await client.rest.issues.addLabels({ owner: r.owner, repo: r.repo, issue_number: issue, labels: [...labels] });
}
/** Requests reviews; `org/team` entries are team reviewers, the rest users. */
async function requestReviewers(token, r, pull, reviewers) {
    const teams = reviewers.filter((x) => x.includes('/')).map((x) => x.split('/')[1]);
    const users = reviewers.filter((x) => !x.includes('/'));
    if (teams.length + users.length === 0)
        return;
    const client = await octokit(token);
    await client.rest.pulls.requestReviewers({ owner: r.owner, repo: r.repo, pull_number: pull, reviewers: users, team_reviewers: teams });
}

;// CONCATENATED MODULE: ../../packages/runtime/src/changes.ts
// The files a batch changed under its paths, for the manifest (docs/contract.md §6).




/**
 * Files under `paths` that differ between the batch's base and the working
 * tree: committed and uncommitted changes, and new untracked files. The base is
 * the merge base of `baseRef` and HEAD (or HEAD itself without `baseRef`).
 */
async function batchChanges(cwd, baseRef, paths) {
    const top = (await git(['rev-parse', '--show-toplevel'], { cwd }).catch(() => {
        throw new InputError(`${cwd} is not a git repository, so the batch manifest cannot be computed; run actions/checkout first`);
    })).stdout.trim();
    const run = (args, okCodes) => git(args, { cwd: top, ...(okCodes ? { okCodes } : {}) });
    const head = (await run(['rev-parse', 'HEAD'])).stdout.trim();
    let base = head;
    if (baseRef !== '') {
        const resolved = await run(['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`], [1, 128]);
        if (resolved.code !== 0) {
            throw new InputError(`input 'base-ref' ${JSON.stringify(baseRef)} is not a commit in this checkout; fetch it first (actions/checkout with fetch-depth: 0, or git fetch origin <branch>)`);
        }
        const mb = await run(['merge-base', resolved.stdout.trim(), head], [1, 128]);
        base = mb.code === 0 ? mb.stdout.trim() : resolved.stdout.trim();
    }
    const specs = paths.map((p) => {
        const { rel } = p === '' || p === '.' ? { rel: '.' } : confine(top, cwd, p);
        return `:(literal)${rel}`;
    });
    const diff = await run(['diff', '--name-status', '--no-renames', '-z', base, '--', ...specs]);
    const untracked = await run(['ls-files', '--others', '--exclude-standard', '-z', '--', ...specs]);
    const files = parseNameStatus(diff.stdout);
    const seen = new Set(files.map((f) => f.path));
    for (const path of untracked.stdout.split('\0'))
        if (path && !seen.has(path))
            files.push({ path, status: 'A' });
    return { baseCommit: base, headCommit: head, files };
}

;// CONCATENATED MODULE: ../../packages/runtime/src/history.ts
// Reading a branch's first-parent history for rollback-batch (docs/contract.md §7).



/** The remote's default branch (`git ls-remote --symref origin HEAD`), without the API. */
async function remoteDefaultBranch(root) {
    const { stdout } = await git_git(['ls-remote', '--symref', 'origin', 'HEAD'], { cwd: root });
    const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(stdout);
    if (!m)
        throw new Error(`could not tell origin's default branch (git ls-remote --symref origin HEAD said ${JSON.stringify(stdout.trim())}); set the input 'base'`);
    return m[1];
}
/**
 * Fetches `branch` from origin into refs/remotes/origin/<branch>. A shallow
 * clone is deepened to the full history, since the batch may be any age.
 */
async function fetchBase(root, branch) {
    const ref = `refs/remotes/origin/${branch}`;
    const shallow = (await git_git(['rev-parse', '--is-shallow-repository'], { cwd: root })).stdout.trim() === 'true';
    const args = ['fetch', '--no-tags', '--quiet', ...(shallow ? ['--unshallow'] : []), 'origin', `+refs/heads/${branch}:${ref}`];
    await git_git(args, { cwd: root }).catch((e) => {
        throw new Error(`could not fetch the base branch ${JSON.stringify(branch)} from origin: ${e.message}`);
    });
    const tip = (await git_git(['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root })).stdout.trim();
    return { name: branch, tip, ref };
}
/**
 * First-parent history of `tip`, newest first, each commit with its changes to
 * files under `paths` (or exactly `files`); commits with none are left out.
 *
 * The filtering is done here rather than with a git pathspec: with a pathspec,
 * `git log --first-parent` walks the trees twice and takes about twice as long
 * over a long history (measured: 3.7 s against 1.9 s for 20,000 commits).
 */
async function firstParentHistory(root, tip, paths, files = [], 
/** Also keep commits with no such change whose message this accepts (to say what they did). */
keepMessage) {
    const exact = new Set(files);
    const keep = (file) => exact.has(file) || underPaths(file, paths);
    const args = ['log', '--first-parent', '--no-renames', '-z', '--name-status', '--format=%x1e%H%x00%P%x00%B%x00', tip];
    // Parsed as it streams, so that the parsing overlaps git's walk instead of following it.
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)('git', args, { cwd: root, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
        const commits = [];
        let pending = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk) => {
            pending += chunk;
            const complete = pending.lastIndexOf('\x1e');
            if (complete > 0) {
                for (const c of parseLog(pending.slice(0, complete), keep, keepMessage))
                    commits.push(c);
                pending = pending.slice(complete);
            }
        });
        child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) => {
            if (code !== 0)
                return reject(new git_GitError(args, code, stderr));
            for (const c of parseLog(pending, keep, keepMessage))
                commits.push(c);
            resolve(commits);
        });
    });
}
/** The manifest as the commit that added it holds it; null when it is not valid JSON of the right shape. */
async function readManifestAt(root, commit, file) {
    const { stdout, code } = await git_git(['cat-file', 'blob', `${commit}:${file}`], { cwd: root, okCodes: [128] });
    if (code !== 0)
        return null;
    try {
        const m = JSON.parse(stdout);
        if (!Array.isArray(m.files))
            return null;
        const files = m.files.filter((f) => typeof f === 'object' && f !== null && typeof f.path === 'string' && ['A', 'M', 'D'].includes(f.status));
        return typeof m.base_commit === 'string' && /^[0-9a-f]{40}$/.test(m.base_commit) ? { files, base_commit: m.base_commit } : { files };
    }
    catch {
        return null;
    }
}
/** Mode and blob of each path in `commit` (paths missing there are absent from the map). */
async function treeEntries(root, commit, paths) {
    const out = new Map();
    if (paths.length === 0)
        return out;
    const { stdout } = await git_git(['ls-tree', '-z', '--full-tree', commit, '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: root });
    for (const entry of stdout.split('\0')) {
        const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry);
        if (m && m[2] === 'blob')
            out.set(m[4], { mode: m[1], blob: m[3] });
    }
    return out;
}

;// CONCATENATED MODULE: ../../packages/runtime/src/tamper.ts
// Hand edits of the control file: commits without a Batch-Ops-Action trailer
// since the last commit batch-ops made, that move a breaker in a way docs/contract.md §5 forbids.



const MAX_COMMITS = 100;
const TRAILER = /^Batch-Ops-Action: \S/m;
/** Commits that changed `file`, newest first, up to and including the last batch-ops one. */
function commitsSinceBatchOps(root, tip, file) {
    const args = ['log', `--max-count=${MAX_COMMITS}`, '--format=%x1e%H%x00%P%x00%an <%ae>%x00%B', tip, '--', `:(literal)${file}`];
    return new Promise((resolve, reject) => {
        const child = spawn('git', args, { cwd: root, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'ignore'] });
        const out = [];
        let pending = '';
        let done = false;
        const take = (text) => {
            for (const record of text.split('\x1e')) {
                if (done || record.trim() === '')
                    continue;
                const [sha = '', parents = '', author = '', message = ''] = record.split('\0');
                const c = { sha: sha.trim(), parent: parents.split(' ')[0] ?? '', author, subject: message.split('\n')[0] ?? '', batchOps: TRAILER.test(message) };
                out.push(c);
                if (c.batchOps) {
                    // Far enough: everything older was there when batch-ops last wrote the file.
                    done = true;
                    child.kill();
                }
            }
        };
        child.stdout.setEncoding('utf8').on('data', (chunk) => {
            pending += chunk;
            const complete = pending.lastIndexOf('\x1e');
            if (complete > 0) {
                take(pending.slice(0, complete));
                pending = pending.slice(complete);
            }
        });
        child.on('error', reject);
        child.on('close', () => {
            take(pending);
            resolve(out);
        });
    });
}
async function fileAt(root, commit, file) {
    const r = await git(['cat-file', 'blob', `${commit}:${file}`], { cwd: root, okCodes: [128] });
    return r.code === 0 ? r.stdout : null;
}
/** Checks the control file's history at `tip` for forbidden hand edits; never throws for a shallow history. */
async function detectTampering(root, tip, file) {
    let commits = await commitsSinceBatchOps(root, tip, file);
    const shallow = (await git(['rev-parse', '--is-shallow-repository'], { cwd: root })).stdout.trim() === 'true';
    if (shallow && !commits.some((c) => c.batchOps)) {
        // actions/checkout clones one commit deep: fetch enough history to see the last batch-ops commit.
        await git(['fetch', '--no-tags', '--quiet', '--deepen=100', 'origin'], { cwd: root }).catch(() => undefined);
        commits = await commitsSinceBatchOps(root, tip, file);
    }
    const findings = [];
    let examined = 0;
    let incomplete;
    for (const c of commits) {
        if (c.batchOps)
            break;
        examined++;
        const after = loadControl(await fileAt(root, c.sha, file));
        if (!c.parent) {
            // No parent: the first commit, or the boundary of a shallow clone (its parents are cut off).
            const raw = await git(['cat-file', 'commit', c.sha], { cwd: root });
            if (/^parent /m.test(raw.stdout.split('\n\n')[0] ?? '')) {
                incomplete = `the history before ${c.sha.slice(0, 7)} is not in this clone (shallow), so earlier hand edits could not be checked`;
                break;
            }
            continue;
        }
        const beforeText = await fileAt(root, c.parent, file).catch(() => null);
        const hasParent = (await git(['cat-file', '-e', `${c.parent}^{commit}`], { cwd: root, okCodes: [1, 128] })).code === 0;
        if (!hasParent) {
            incomplete = `the history before ${c.sha.slice(0, 7)} is not in this clone (shallow), so earlier hand edits could not be checked`;
            break;
        }
        const before = loadControl(beforeText);
        if (!before.ok || !after.ok)
            continue;
        for (const t of forbiddenBreakerMoves(before.doc, after.doc))
            findings.push({ ...t, commit: c.sha, author: c.author, subject: c.subject });
    }
    if (commits.length >= MAX_COMMITS && !commits.some((c) => c.batchOps)) {
        incomplete = `no commit by batch-ops among the last ${MAX_COMMITS} changes of ${file}; only those were checked`;
    }
    return incomplete ? { findings, examined, incomplete } : { findings, examined };
}

;// CONCATENATED MODULE: ../../packages/runtime/src/persist.ts
// The inputs every state-writing action shares (docs/contract.md §3), and the store options they make.


/** The commit author: inputs author-name / author-email, github-actions[bot] by default. */
function authorInput() {
    return { name: stringInput('author-name', git_tree_BOT.name), email: stringInput('author-email', git_tree_BOT.email) };
}
/** persist, max-attempts and the author. */
function persistInputs() {
    return {
        persist: booleanInput('persist', true),
        maxAttempts: numberInput('max-attempts', 8, { min: 1, max: 50, integer: true }),
        author: authorInput()
    };
}
/** Store options for the workspace: pushes to the checked-out branch, or GITHUB_REF's when detached. */
function storeOptions(p, cwd = workspace()) {
    return { cwd, ...p, fallbackRef: process.env.GITHUB_REF, log: (m) => annotate.notice(m) };
}

;// CONCATENATED MODULE: ../../packages/runtime/src/index.ts














;// CONCATENATED MODULE: ./src/report.ts
// The rollback's summary and pull request body: everything a reviewer needs.

const report_short = (sha) => code(sha.slice(0, 7));
const MAX_ROWS = 500;
function rollbackReport(p, c) {
    const out = [];
    const deleted = p.files.filter((f) => f.action === 'delete').length;
    const restored = p.files.length - deleted;
    out.push(`## ${c.dryRun ? '🔍 Dry run: rollback plan for' : '↩️ Rollback of'} batch ${code(c.batchId)}\n`);
    out.push(table(['', ''], [
        ['reason', c.reason ? md(c.reason) : '_(none: dry run)_'],
        ['triggered by', c.actor ? md(`@${c.actor}`) : '_unknown_'],
        ['run', c.runUrl ? `[${md(c.runUrl)}](${c.runUrl})` : '_local_'],
        ['base', code(c.base)],
        ['batch commits', p.batchCommits.length > 0 ? p.batchCommits.map(report_short).join(' ') : '_none with a batch line_'],
        ['manifest commit', p.manifestCommit ? report_short(p.manifestCommit) : '_none_'],
        ['files', `${deleted} deleted, ${restored} restored, ${p.conflicts.length} conflict(s)${c.force && p.conflicts.length > 0 ? ' (rolled back: force)' : ''}`],
        ...(c.branch ? [['branch', code(c.branch)]] : []),
        ...(c.pr ? [['pull request', `[#${c.pr.number}](${c.pr.url})${c.pr.created ? '' : ' (updated)'}`]] : [])
    ]));
    const conflicted = new Set(p.conflicts.map((x) => x.path));
    const rows = p.files.slice(0, MAX_ROWS).map((f) => [
        code(f.path),
        f.action === 'delete' ? '🗑️ deleted (the batch added it)' : '♻️ restored to before the batch',
        f.commits.map(report_short).join(' '),
        conflicted.has(f.path) ? '⚠️ changed after the batch; forced' : ''
    ]);
    if (rows.length > 0) {
        out.push('\n### Files\n');
        out.push(table(['file', 'action', 'from batch commits', 'note'], rows));
        if (p.files.length > MAX_ROWS)
            out.push(`\n_…and ${p.files.length - MAX_ROWS} more (see the outputs)._\n`);
    }
    const left = c.force ? [] : p.conflicts;
    if (left.length > 0) {
        out.push('\n### Conflicts: left alone\n');
        out.push(`These files were changed after the batch by commits outside it. They are not rolled back; re-run with ${code("force: 'true'")} to roll them back anyway.\n\n`);
        out.push(table(['file', 'would be', 'changed later by'], left.slice(0, MAX_ROWS).map((x) => [code(x.path), x.action, x.later.map((l) => `${report_short(l.sha)} ${md(l.subject)}`).join('<br>')])));
    }
    if (p.alreadyRolledBack.length > 0)
        out.push(`\n${p.alreadyRolledBack.length} file(s) already rolled back by an earlier rollback of this batch.\n`);
    out.push(`\n<sub>Only files under the batch paths are touched; failure records, metrics and the control file stay.</sub>\n`);
    return out.join('\n');
}

;// CONCATENATED MODULE: ./src/main.ts
// rollback-batch: take a batch back out (docs/contract.md §7).
//
// 1. Check the batch ID against the pattern before any git command runs.
// 2. Fetch the base branch (deepening a shallow clone) and read its first-parent
//    history under `paths` and the manifest, in one `git log` pass.
// 3. Plan with the pure core: delete what the batch added, restore what it
//    modified or deleted, report files changed afterwards as conflicts.
// 4. Dry run: the plan in the summary and outputs, nothing else.
// 5. Otherwise one commit on `rollback-batch-<id>` from the base tip, pushed with a
//    lease on that branch only, and a pull request (opened, or the open one updated)
//    with labels and, past the threshold, reviewers. If the pull request cannot be
//    made, a branch this run created is deleted again.




const ACTION = 'rollback-batch';
const DEFAULT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(-\\d{3})?$';
/** Whatever the pattern allows, an ID names a branch and a file: these characters only. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Refuses an ID that does not match the pattern; runs before any git command. */
function checkBatchId(id, pattern) {
    let re;
    try {
        re = new RegExp(pattern);
    }
    catch (e) {
        throw new runner_InputError(`input 'batch-id-pattern' is not a valid regular expression: ${e.message}`);
    }
    if (!re.test(id) || !SAFE_ID.test(id)) {
        throw new runner_InputError(`input 'batch-id' ${JSON.stringify(id)} does not match the batch ID pattern ${pattern}` +
            (SAFE_ID.test(id) ? '' : ' (and batch IDs may only use letters, digits, ".", "_" and "-")') +
            `; nothing was searched. Use the ID preflight-check handed out, e.g. 2026-02-17-001.`);
    }
}
function readInputs() {
    const batchId = requiredInput('batch-id');
    const pattern = stringInput('batch-id-pattern', DEFAULT_PATTERN);
    checkBatchId(batchId, pattern);
    const dryRun = runner_booleanInput('dry-run', false);
    const reason = stringInput('reason');
    if (!dryRun && reason === '')
        throw new runner_InputError(`input 'reason' is required unless dry-run is 'true': say why the batch is rolled back`);
    const token = secretInput('github-token');
    if (!dryRun && token === '')
        throw new runner_InputError(`input 'github-token' is required unless dry-run is 'true' (the pull request is opened through the API)`);
    const paths = ecosystems_parseList(stringInput('paths', 'recipes/'));
    if (paths.length === 0)
        throw new runner_InputError(`input 'paths' names no path`);
    for (const p of paths)
        if (p.split('/').includes('..') || external_node_path_default().isAbsolute(p))
            throw new runner_InputError(`input 'paths': ${JSON.stringify(p)} must be relative and inside the repository`);
    return {
        batchId,
        reason,
        dryRun,
        paths,
        base: stringInput('base'),
        manifestDir: stringInput('manifest-dir', 'data/batches').replace(/\/+$/, ''),
        token,
        labels: ecosystems_parseList(stringInput('labels', 'rollback')),
        reviewers: ecosystems_parseList(stringInput('reviewers')),
        reviewThreshold: runner_numberInput('review-threshold', 10, { min: 0, integer: true }),
        force: runner_booleanInput('force', false),
        author: authorInput()
    };
}
function setPlanOutputs(plan, pr) {
    setOutput('count', plan ? plan.files.length : 0);
    setOutput('files', plan ? plan.files.map((f) => ({ path: f.path, action: f.action })) : []);
    setOutput('conflicts', plan ? plan.conflicts.map((c) => ({ path: c.path, action: c.action, later: c.later })) : []);
    setOutput('branch', pr.branch);
    setOutput('pr-number', pr.number);
    setOutput('pr-url', pr.url);
}
/** The index entries that undo the batch: removals, and the content before it for restores. */
async function undoEntries(root, plan) {
    const entries = [];
    const byCommit = new Map();
    for (const f of plan.files) {
        if (f.action === 'delete')
            entries.push({ path: f.path, remove: true });
        else
            byCommit.set(f.before.commit, [...(byCommit.get(f.before.commit) ?? []), f.path]);
    }
    for (const [commit, paths] of byCommit) {
        const found = await treeEntries(root, commit, paths);
        for (const p of paths) {
            const e = found.get(p);
            if (!e)
                throw new Error(`cannot restore ${p}: it is not in ${commit.slice(0, 12)}, the commit before the batch changed it`);
            entries.push({ path: p, mode: e.mode, blob: e.blob });
        }
    }
    return entries;
}
/** The rollback branch on origin, if it exists: its tip, that tip's tree and parent. */
async function existingBranch(root, branch) {
    const { stdout } = await git_git(['ls-remote', 'origin', `refs/heads/${branch}`], { cwd: root });
    const sha = stdout.split('\t')[0]?.trim() ?? '';
    if (sha === '')
        return null;
    await git_git(['fetch', '--no-tags', '--quiet', 'origin', `refs/heads/${branch}`], { cwd: root });
    const [tree = '', parent = ''] = (await git_git(['rev-parse', `${sha}^{tree}`, `${sha}^`], { cwd: root })).stdout.trim().split('\n');
    return { sha, tree, parent };
}
async function plan(root, inputs) {
    const baseName = inputs.base || (await remoteDefaultBranch(root));
    const base = await fetchBase(root, baseName);
    const manifestPath = external_node_path_default().posix.join(inputs.manifestDir, `${inputs.batchId}.json`);
    const history = await firstParentHistory(root, base.tip, inputs.paths, [manifestPath], batchLineMatcher(inputs.batchId));
    const manifestCommit = findManifestCommit(history, manifestPath);
    const manifest = manifestCommit ? await readManifestAt(root, manifestCommit.sha, manifestPath) : null;
    const result = planRollback({ batchId: inputs.batchId, history, paths: inputs.paths, manifestPath, manifest, force: inputs.force });
    return { base, manifestPath, plan: result, searched: history.length };
}
async function run() {
    let planned;
    try {
        const inputs = readInputs();
        const cwd = runner_workspace();
        const root = (await git_git(['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
        const { base, manifestPath, plan: p, searched } = await plan(root, inputs);
        planned = p;
        const step = nextRollbackStep(p, inputs.dryRun);
        if (step.kind === 'nothing-found') {
            throw new runner_InputError(`nothing to roll back for batch ${inputs.batchId} on ${base.name}: ${step.why} ` +
                `(searched ${searched} first-parent commits touching ${inputs.paths.join(', ')} or ${manifestPath} for a line "batch_id: ${inputs.batchId}" or "Batch-Id: ${inputs.batchId}"). ` +
                `No branch was created. Check the ID, or the base branch.`);
        }
        const ctx = { batchId: inputs.batchId, reason: inputs.reason, base: base.name, actor: process.env.GITHUB_ACTOR ?? '', runUrl: runUrl(), force: inputs.force };
        if (p.conflicts.length > 0) {
            const shown = p.conflicts.slice(0, 5).map((c) => `${c.path} (by ${c.later.map((l) => l.sha.slice(0, 7)).join(', ')})`);
            runner_annotate.warning(`${p.conflicts.length} file(s) were changed after the batch by commits outside it: ${shown.join('; ')}${p.conflicts.length > 5 ? '; …' : ''}. ` +
                (inputs.force ? 'They are rolled back anyway (force).' : "They are left alone; re-run with force: 'true' to roll them back too."), { title: `rollback ${inputs.batchId}: conflicts` });
        }
        if (step.kind !== 'rollback') {
            setPlanOutputs(p, { branch: '', number: '', url: '' });
            await writeSummary(rollbackReport(p, { ...ctx, dryRun: inputs.dryRun }));
            if (step.kind === 'all-conflicts') {
                throw new runner_InputError(`every file of batch ${inputs.batchId} was changed after it (${p.conflicts.length} conflicts); nothing was rolled back. Re-run with force: 'true' to roll them back anyway.`);
            }
            if (step.kind === 'already-rolled-back')
                runner_annotate.notice(`Batch ${inputs.batchId} is already rolled back; nothing to do.`);
            return;
        }
        const branch = `rollback-batch-${inputs.batchId}`;
        const message = commitMessage(`chore: rollback batch ${inputs.batchId}`, [
            ['Rollback-Of', inputs.batchId],
            ['Reason', inputs.reason],
            ['Operator', ctx.actor || undefined],
            ['Batch-Ops-Action', ACTION],
            ['Run-Url', ctx.runUrl]
        ]);
        const { commit, tree } = await git_tree_commitEntries(root, base.tip, await undoEntries(root, p), message, inputs.author);
        const existing = await existingBranch(root, branch);
        // A branch that already holds this rollback on this base is left as it is (a re-run changes nothing).
        const pushed = !(existing && existing.tree === tree && existing.parent === base.tip);
        if (pushed) {
            // A lease on the rollback branch only: it moves from exactly what we saw (or is new).
            await git_git(['push', '--porcelain', `--force-with-lease=refs/heads/${branch}:${existing?.sha ?? ''}`, 'origin', `${commit}:refs/heads/${branch}`], { cwd: root });
        }
        const repo = currentRepo();
        try {
            if (!repo)
                throw new Error('GITHUB_REPOSITORY is not set, so there is no repository to open the pull request in');
            const pr = await upsertPullRequest(inputs.token, repo, {
                head: branch,
                base: base.name,
                title: `Rollback batch ${inputs.batchId}: ${inputs.reason}`.slice(0, 250),
                body: rollbackReport(p, { ...ctx, dryRun: false, branch })
            });
            setPlanOutputs(p, { branch, number: String(pr.number), url: pr.url });
            // The pull request exists now: a label or a reviewer that cannot be added is a warning, not a reason to take it down.
            await addLabels(inputs.token, repo, pr.number, inputs.labels).catch((e) => runner_annotate.warning(`Could not add the labels ${inputs.labels.join(', ')} to #${pr.number}: ${e.message}. Add them by hand.`, { title: 'rollback-batch' }));
            if (p.files.length > inputs.reviewThreshold) {
                await requestReviewers(inputs.token, repo, pr.number, inputs.reviewers).catch((e) => runner_annotate.warning(`Could not request reviews from ${inputs.reviewers.join(', ')} on #${pr.number}: ${e.message}. Request them by hand.`, { title: 'rollback-batch' }));
            }
            runner_annotate.notice(`${pr.created ? 'Opened' : 'Updated'} pull request #${pr.number} rolling back ${p.files.length} file(s) of batch ${inputs.batchId}: ${pr.url}`);
            await writeSummary(rollbackReport(p, { ...ctx, dryRun: false, branch, pr }));
        }
        catch (e) {
            // No half-made rollback: a branch this run created goes again.
            if (pushed && !existing) {
                await git_git(['push', '--porcelain', `--force-with-lease=refs/heads/${branch}:${commit}`, 'origin', '--delete', branch], { cwd: root }).catch(() => undefined);
            }
            throw new Error(`the pull request for ${branch} could not be opened (${e.message}); ${pushed && !existing ? 'the branch was deleted again' : 'the branch is as it was'}`);
        }
    }
    catch (error) {
        setPlanOutputs(planned, { branch: '', number: '', url: '' });
        await reportFailure('Rollback batch', error);
    }
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 5574:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(3018);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
