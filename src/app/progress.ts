import { renderProgressView } from "../core/views/progress-view.js";
import type { WorkerDeps } from "./deps.js";

/** Progress updates a job may post to its `response_url`, so the result still fits Slack's 5 uses. @default 2 */
export const MAX_PROGRESS_UPDATES = 2;

/**
 * Shows a job's progress by replacing the ephemeral message the command was acknowledged with. At most
 * {@link MAX_PROGRESS_UPDATES} updates are posted (the last steps win); failures are logged, never thrown.
 */
export class Progress {
  readonly #steps: string[] = [];
  #posted = 0;
  constructor(
    private readonly deps: Pick<WorkerDeps, "chat" | "logger">,
    private readonly responseUrl: string | null,
  ) {}

  /** Records a step; posts it when the budget allows. */
  async step(current: string, post = false): Promise<void> {
    const done = [...this.#steps];
    this.#steps.push(current);
    if (!post || !this.responseUrl || this.#posted >= MAX_PROGRESS_UPDATES) return;
    this.#posted++;
    const view = renderProgressView(done, current);
    await this.deps.chat
      .respond(this.responseUrl, { response_type: "ephemeral", replace_original: true, ...view })
      .catch((error: unknown) => this.deps.logger.warn("could not post progress", { error }));
  }

  /** The steps so far, for the final message. */
  get steps(): readonly string[] {
    return this.#steps;
  }
}
