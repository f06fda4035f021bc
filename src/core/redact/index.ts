export { checkRedactPattern, createRedactor, type Redactor, redactFields, redactText } from "./redactor.js";
export { isSecretName, MASK } from "./rules.js";
