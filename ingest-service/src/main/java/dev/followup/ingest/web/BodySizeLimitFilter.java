package dev.followup.ingest.web;

import dev.followup.ingest.problem.BodyTooLargeException;
import dev.followup.ingest.problem.ProblemWriter;
import dev.followup.ingest.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies: {@code followup.ingest.max-body-size} (default 256 KiB), {@code max-batch-size} (10 MiB) for
 * the NDJSON batch. A declared Content-Length over the cap is refused at once; a chunked body is counted while it is
 * read and reading fails past the cap. Either way the answer is a 413 problem and nothing is published.
 */
public class BodySizeLimitFilter extends OncePerRequestFilter {

    private final long maxBody;
    private final long maxBatch;
    private final ProblemWriter problems;

    public BodySizeLimitFilter(long maxBody, long maxBatch, ProblemWriter problems) {
        this.maxBody = maxBody;
        this.maxBatch = maxBatch;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = request.getRequestURI().endsWith("/events:batch") ? maxBatch : maxBody;
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            problems.write(request, response, Problems.tooLarge(limit));
            return;
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            count += n;
            if (count > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
