import path from 'node:path';

// Compiled files run from dist/app/, so the project root is two folders up.
export const projectRoot = path.resolve(__dirname, '..', '..');
export const migrationsDir = path.join(projectRoot, 'migrations');
export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'public');
