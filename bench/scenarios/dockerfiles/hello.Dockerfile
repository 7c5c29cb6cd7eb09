# The product brief's example plus a small COPY. REG is the benchmark registry, which serves the
# same busybox-based image as library/alpine to every tool.
ARG REG
FROM --platform=$TARGETPLATFORM ${REG}/library/alpine
RUN uname -a > /os.txt
COPY app.txt /app.txt
CMD cat /os.txt
