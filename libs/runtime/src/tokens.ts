export const SERVICE_ENV = Symbol('SERVICE_ENV');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
