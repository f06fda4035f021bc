export { checkRedactPattern, createRedactor, type Redactor } from "./redactor.js";
export { isSecretName, MASK } from "./rules.js";
