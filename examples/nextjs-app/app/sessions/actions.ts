"use server";

import { isAuthError } from "@sessionkit/auth";
import { redirect } from "next/navigation";
import { getAuth } from "../../lib/auth";

const LOGIN = "/auth/login?returnTo=/sessions";

/** Signs out one of the user's other devices (the id comes from `listSessions`). */
export async function signOutSession(form: FormData): Promise<never> {
  const id = form.get("id");
  const { auth } = await getAuth();
  let notice = "revoked";
  try {
    await auth.revokeSession(typeof id === "string" ? id : "");
  } catch (error) {
    // Ended meanwhile (another tab, back-channel logout), or not this user's: nothing changed.
    if (
      isAuthError(error, "AUTH_SESSION_NOT_FOUND") ||
      isAuthError(error, "AUTH_INVALID_ARGUMENT")
    ) {
      notice = "gone";
    } else if (isAuthError(error, "AUTH_SESSION_MISSING")) {
      redirect(LOGIN);
    } else {
      throw error;
    }
  }
  redirect(`/sessions?notice=${notice}`);
}

/** Signs out every device of the user but this one. */
export async function signOutOtherSessions(): Promise<never> {
  const { auth } = await getAuth();
  let count: number;
  try {
    count = await auth.revokeOtherSessions();
  } catch (error) {
    if (isAuthError(error, "AUTH_SESSION_MISSING")) redirect(LOGIN);
    throw error;
  }
  redirect(`/sessions?notice=others&count=${count}`);
}
