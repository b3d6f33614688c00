export {};
export * from "./validation/index.js";
