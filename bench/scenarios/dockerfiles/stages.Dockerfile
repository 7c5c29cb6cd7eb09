# Four independent stages joined at the end. Each waits a second (a stand-in for the download
# a real stage would wait on: the benchmark has no network) and then computes for a while on
# the target platform (under emulation for arm64 and arm/v7).
ARG REG
FROM ${REG}/library/alpine AS base

FROM base AS one
ARG ITER=20000
RUN sleep 1; i=0; while [ $i -lt $ITER ]; do i=$((i+1)); done; echo "one $i" > /one

FROM base AS two
ARG ITER=20000
RUN sleep 1; i=0; while [ $i -lt $ITER ]; do i=$((i+1)); done; echo "two $i" > /two

FROM base AS three
ARG ITER=20000
RUN sleep 1; i=0; while [ $i -lt $ITER ]; do i=$((i+1)); done; echo "three $i" > /three

FROM base AS four
ARG ITER=20000
RUN sleep 1; i=0; while [ $i -lt $ITER ]; do i=$((i+1)); done; echo "four $i" > /four

FROM base
COPY --from=one /one /one
COPY --from=two /two /two
COPY --from=three /three /three
COPY --from=four /four /four
CMD cat /one /two /three /four
