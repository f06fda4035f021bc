import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`); playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.PNS_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Starts headless Chromium for screenshots and browser tests, with the flags this offline machine needs: no sandbox
 * (root), and none of the background connections that a closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
