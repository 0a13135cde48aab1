'use strict';
// Confluent's own Avro serde (@confluentinc/schemaregistry, the schema-registry half of Confluent's
// JavaScript client) on the pipeline's registry: ConfluentInteropIT moves the bytes through Kafka
// and the pipeline; this script only serializes and deserializes, the way a Confluent team would.
//
//   node interop.js <command> <request.json>      prints one JSON document on stdout
//
// Commands:
//   config   {registry, compatibility}                  the registry's default compatibility level
//   register {registry, schemas, references, topics}    registers the event schemas of schemas/*.avsc under
//            TopicRecordNameStrategy subjects, self-contained, or (references=true) with the shared types
//            under their own subjects (<full name>) and the events referring to them
//   encode   {registry, schemas, autoRegister, useLatestVersion, strategy, headerId, events:[{type, topic, value}]}
//   decode   {registry, records:[{topic, value (base64), headers}]}
// A failure prints {"error": message, "status": http status, "errorCode": registry error code} and exits 3.
const fs = require('fs');
const path = require('path');
const sr = require('@confluentinc/schemaregistry');

const NAMESPACE = 'org.codingkpi.events';
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const EVENTS = ['EncounterDischarged', 'EncounterCoded', 'AiSuggestionReviewed', 'ClaimDenied', 'ClaimPaid',
  'ClaimSubmitted', 'ClaimReversed', 'CodingAudited'];

function fullName(name, ns) {
  return name.includes('.') ? name : `${ns}.${name}`;
}

/** Every .avsc of the directory by full name, as parsed JSON. */
function loadSchemas(dir) {
  const byName = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.avsc'))) {
    const s = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    byName[fullName(s.name, s.namespace || NAMESPACE)] = s;
  }
  return byName;
}

/** A schema with the named types it uses defined inline at first use: what a self-contained registration holds. */
function expand(schema, byName, defined = new Set(), ns = NAMESPACE) {
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema)) return schema;
    const full = fullName(schema, ns);
    if (defined.has(full) || !byName[full]) return schema;
    return expand(byName[full], byName, defined, ns);
  }
  if (Array.isArray(schema)) return schema.map((s) => expand(s, byName, defined, ns));
  const out = { ...schema };
  if (['record', 'enum', 'fixed'].includes(schema.type)) {
    const own = schema.namespace || ns;
    defined.add(fullName(schema.name, own));
    if (schema.type === 'record') {
      out.fields = schema.fields.map((f) => ({ ...f, type: expand(f.type, byName, defined, own) }));
    }
  } else if (schema.type === 'array') {
    out.items = expand(schema.items, byName, defined, ns);
  } else if (schema.type === 'map') {
    out.values = expand(schema.values, byName, defined, ns);
  } else if (typeof schema.type !== 'string' || !PRIMITIVES.has(schema.type)) {
    out.type = expand(schema.type, byName, defined, ns);
  }
  return out;
}

/** The named types a schema file names directly (its references). */
function directReferences(schema, byName, ns = NAMESPACE, out = new Set()) {
  if (typeof schema === 'string') {
    if (!PRIMITIVES.has(schema) && byName[fullName(schema, ns)]) out.add(fullName(schema, ns));
  } else if (Array.isArray(schema)) {
    schema.forEach((s) => directReferences(s, byName, ns, out));
  } else if (schema.type === 'record') {
    schema.fields.forEach((f) => directReferences(f.type, byName, schema.namespace || ns, out));
  } else if (schema.type === 'array') {
    directReferences(schema.items, byName, ns, out);
  } else if (schema.type === 'map') {
    directReferences(schema.values, byName, ns, out);
  } else if (typeof schema.type !== 'string' || !PRIMITIVES.has(schema.type)) {
    directReferences(schema.type, byName, ns, out);
  }
  return out;
}

function client(req) {
  return new sr.SchemaRegistryClient({ baseURLs: [req.registry] });
}

async function config(req) {
  return client(req).updateDefaultConfig({ compatibility: req.compatibility });
}

async function register(req) {
  const registry = client(req);
  const byName = loadSchemas(req.schemas);
  const ids = {};
  const versions = {};
  // shared types first, each after the types it refers to
  const registerShared = async (name) => {
    if (versions[name] !== undefined) return;
    const refs = [...directReferences(byName[name], byName)];
    for (const r of refs) await registerShared(r);
    const info = {
      schemaType: 'AVRO',
      schema: JSON.stringify(byName[name]),
      references: refs.map((r) => ({ name: r, subject: r, version: versions[r] })),
    };
    await registry.register(name, info);
    versions[name] = (await registry.getLatestSchemaMetadata(name)).version;
  };
  // A schema's references list its shared types transitively, dependencies first (CodeSystem and
  // CodeSource before CodeEntry): this client (1.10.1) hands the referenced schemas to the Avro parser
  // in the order it meets them, parents before their own references, which fails on nested references.
  const transitive = (name, out = []) => {
    for (const r of directReferences(byName[name], byName)) {
      transitive(r, out);
      if (!out.includes(r)) out.push(r);
    }
    return out;
  };
  for (const type of EVENTS) {
    const name = fullName(type, NAMESPACE);
    const subject = `${req.topics[type]}-${name}`;
    let info;
    if (req.references) {
      const refs = transitive(name);
      for (const r of refs) await registerShared(r);
      info = {
        schemaType: 'AVRO',
        schema: JSON.stringify(byName[name]),
        references: refs.map((r) => ({ name: r, subject: r, version: versions[r] })),
      };
    } else {
      info = { schemaType: 'AVRO', schema: JSON.stringify(expand(byName[name], byName)) };
    }
    ids[subject] = await registry.register(subject, info);
  }
  return ids;
}

async function encode(req) {
  const registry = client(req);
  const byName = loadSchemas(req.schemas);
  const conf = { autoRegisterSchemas: Boolean(req.autoRegister) };
  if (req.useLatestVersion) {
    // the latest registered version of the subject (with its references) instead of a schema from the
    // message: the serializer then needs the subject up front, TopicRecordNameStrategy's name
    conf.useLatestVersion = true;
    conf.subjectNameStrategy = (topic, serdeType) => `${topic}-${currentRecord}`;
  } else {
    conf.subjectNameStrategyType = sr.SubjectNameStrategyType[req.strategy || 'TOPIC_RECORD'];
  }
  if (req.headerId) {
    conf.schemaIdSerializer = sr.HeaderSchemaIdSerializer;
  }
  // Without useLatestVersion the serializer takes the schema from the message (avsc's Type.forValue,
  // which names records Record1, Record2, ...); a producer of these events hands it the event's .avsc
  // (self-contained) instead, which it then registers or looks up under its subject as it would its own.
  const schemaOf = new WeakMap();
  sr.AvroSerializer.messageToSchema = (msg) => schemaOf.get(msg);
  const serializer = new sr.AvroSerializer(registry, sr.SerdeType.VALUE, conf);
  let currentRecord;
  const out = [];
  for (const e of req.events) {
    const name = fullName(e.type, NAMESPACE);
    schemaOf.set(e.value, expand(byName[name], byName));
    currentRecord = name;
    const headers = {};
    const bytes = await serializer.serialize(e.topic, e.value, headers);
    const h = {};
    for (const [k, v] of Object.entries(headers)) h[k] = Buffer.from(v).toString('base64');
    out.push({ topic: e.topic, value: bytes.toString('base64'), headers: h });
  }
  return out;
}

async function decode(req) {
  // the deserializer's defaults: the writer schema comes from the id in the record
  const deserializer = new sr.AvroDeserializer(client(req), sr.SerdeType.VALUE, {});
  const out = [];
  for (const r of req.records) {
    const headers = {};
    for (const [k, v] of Object.entries(r.headers || {})) headers[k] = Buffer.from(v, 'base64');
    out.push(await deserializer.deserialize(r.topic, Buffer.from(r.value, 'base64'), headers));
  }
  return out;
}

const commands = { config, register, encode, decode };

(async () => {
  const [command, requestFile] = process.argv.slice(2);
  if (!commands[command] || !requestFile) {
    throw new Error(`usage: node interop.js ${Object.keys(commands).join('|')} request.json`);
  }
  const req = JSON.parse(fs.readFileSync(requestFile, 'utf8'));
  const result = await commands[command](req);
  process.stdout.write(JSON.stringify(result));
})().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e && e.message), status: e && e.status, errorCode: e && e.errorCode }));
  process.exit(3);
});
