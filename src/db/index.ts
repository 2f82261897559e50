// Public surface of the data layer: the client factory, migrations, the demo seed and manifest, permission look-ups
// and the identity store. Modules that must stay light (main.ts) import the specific files lazily instead.

export { createPrisma, providerOf, type Db, type Provider } from './prisma';
export { migrateDatabase, listMigrations, MIGRATIONS_TABLE, type Migration } from './migrate';
export { seedDemo, demoRows, seedId, DEMO_ACCOUNTS, legacyTokenFor } from './seed';
export { buildManifest, permissionVersion, type Manifest } from './manifest';
export { permissionNamesFor, CHANNEL_PERMISSIONS, type PermissionSubject } from './permissions';
export { PrismaIdentityStore } from './identity-store';
