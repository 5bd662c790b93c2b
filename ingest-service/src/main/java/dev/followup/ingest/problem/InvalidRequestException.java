package dev.followup.ingest.problem;

import java.util.List;

/** A request that failed validation; answered 400 with every invalid field. Nothing is published. */
public class InvalidRequestException extends RuntimeException {

    private final List<FieldProblem> problems;

    public InvalidRequestException(List<FieldProblem> problems) {
        super(problems.size() + " invalid field(s): "
                + String.join(", ", problems.stream().map(FieldProblem::field).toList()));
        this.problems = List.copyOf(problems);
    }

    public InvalidRequestException(FieldProblem problem) {
        this(List.of(problem));
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
