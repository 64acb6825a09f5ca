// Instruction counting under valgrind (the deterministic CI gate's measuring function).
export * from './callgrind-addon.js';
export * from './count-protocol.js';
export * from './count-instructions.js';
