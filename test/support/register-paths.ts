import { join } from 'node:path';
import { register } from 'tsconfig-paths';

// jest's globalSetup runs outside jest's module registry, so moduleNameMapper does not apply there;
// the @ct/* aliases of tsconfig.json are registered with Node's resolver instead.
const root = join(__dirname, '..', '..');
register({
  baseUrl: root,
  paths: Object.fromEntries(
    ['contracts', 'messaging', 'platform', 'runtime'].flatMap((lib) => [
      [`@ct/${lib}`, [`libs/${lib}/src`]],
      [`@ct/${lib}/*`, [`libs/${lib}/src/*`]],
    ]),
  ),
});
