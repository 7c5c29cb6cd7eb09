# The image of the big scenario: the base image plus one layer holding one 1 GiB file of
# incompressible bytes. Built once per run (not timed against the peers).
ARG REG
FROM ${REG}/library/busybox
COPY big.bin /big.bin
