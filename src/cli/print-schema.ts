/** Writes the SDL of the schema to `schema.graphql` (or prints it with --stdout). */
import { printSchema } from 'graphql';
import { writeFile } from 'node:fs/promises';
import { buildAppSchema } from '../schema/build.js';

const sdl = `${printSchema(await buildAppSchema())}\n`;
if (process.argv.includes('--stdout')) process.stdout.write(sdl);
else await writeFile(new URL('../../schema.graphql', import.meta.url), sdl);
