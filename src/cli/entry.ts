// The executable's entry (bundled into dist/cli.cjs): runs the command line with the process's services.
import { main, report } from './main.js';
import { processServices } from './process-services.js';

main(process.argv.slice(2), processServices()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error, processServices());
  },
);
