/**
 * The test users. Passwords are shown on the login page and printed at start:
 * this provider exists for local development and tests only.
 */
export const TEST_USERS = Object.freeze([
  Object.freeze({
    username: "alice",
    password: "wonderland",
    claims: Object.freeze({
      name: "Alice Liddell",
      nickname: "alice",
      email: "alice@example.test",
      email_verified: true,
    }),
  }),
  Object.freeze({
    username: "bob",
    password: "builder",
    claims: Object.freeze({
      name: "Bob Builder",
      nickname: "bob",
      email: "bob@example.test",
      email_verified: true,
    }),
  }),
  Object.freeze({
    username: "carol",
    password: "singer",
    claims: Object.freeze({
      name: "Carol Singer",
      nickname: "carol",
      email: "carol@example.test",
      email_verified: false,
    }),
  }),
]);

/** The user with this name and password, else `undefined`. */
export function checkPassword(username, password) {
  const user = TEST_USERS.find((candidate) => candidate.username === username);
  return user !== undefined && user.password === password ? user : undefined;
}

/** The user whose `sub` (the username) is `accountId`, else `undefined`. */
export function findUser(accountId) {
  return TEST_USERS.find((candidate) => candidate.username === accountId);
}
