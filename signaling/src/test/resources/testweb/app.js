export const hello = "testweb app";
