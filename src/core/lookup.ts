// Lookups by a word someone typed (or a value a card button carries): only a table's own
// entries count. A plain object literal answers `constructor`, `toString`, `__proto__`,
// `hasOwnProperty`… from Object.prototype, so `TABLE[word]` turns those words into functions
// (and a crash or a wrong answer further on). Every table a user word picks from goes through
// here, or is a Map.

/** The table's own entry for `key`, or undefined (never an inherited property). */
export function own<V>(table: Readonly<Partial<Record<string, V>>>, key: unknown): V | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Whether `key` is one of the table's own keys (the typed form of `key in table`, without the prototype). */
export function isOwnKey<T extends object>(table: T, key: unknown): key is keyof T & string {
  return typeof key === 'string' && Object.hasOwn(table, key);
}
