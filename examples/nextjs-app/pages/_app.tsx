import type { AppProps } from "next/app";
import "../app/globals.css";

/** The Pages Router's pages get the App Router's stylesheet. */
export default function PagesApp({ Component, pageProps }: AppProps) {
  return <Component {...pageProps} />;
}
