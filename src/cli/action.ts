/** Runs a command's action; the program awaits what it returns (the exit status). */
export type Run = (action: () => Promise<number>) => void;
