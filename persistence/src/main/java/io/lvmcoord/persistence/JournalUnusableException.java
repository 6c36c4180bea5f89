package io.lvmcoord.persistence;

/** The agent cannot start on its journal; {@link #problem()} says why. */
public final class JournalUnusableException extends Exception {
    private final JournalProblem problem;

    public JournalUnusableException(JournalProblem problem) {
        super(problem.describe());
        this.problem = problem;
    }

    public JournalProblem problem() {
        return problem;
    }
}
