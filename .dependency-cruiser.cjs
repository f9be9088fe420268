// `npm run lint` runs this (with biome): the shape of src/ that docs/architecture.md describes.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Files import each other in a circle (type-only imports count too): move what both need below them.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-circular',
      severity: 'error',
      scope: 'folder',
      comment:
        'Folders depend on each other in a circle (each folder is one idea; see docs/architecture.md): one of them holds something that belongs lower down.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
