#!/usr/bin/env bash
# Installs the Debian packages nasrun needs, only those missing.
set -euo pipefail
packages=(cmake ninja-build g++ ccache libtorch-dev libboost-dev libboost-program-options-dev
          nlohmann-json3-dev libgtest-dev gnuplot-nox libxgboost-dev)
# Not libopenblas0 (LibTorch only recommends it): the proxy fixtures were computed
# on Debian's reference BLAS, and one ill-conditioned case (synflow_bn on the
# all-1x1 arch) moves by 1% under OpenBLAS's summation order; its speed-up
# was not measurable (bench_proxies --threads 1, all 14 proxies: 3.8 s/arch
# with OpenBLAS, 3.4 without).
# tools/test.sh --full (CI): the ASan+UBSan build and the libFuzzer targets.
packages+=(clang-14 libclang-rt-14-dev)
# mpirun/srun across processes and machines (libnasmpi; tests run mpirun -n 3).
packages+=(openmpi-bin libopenmpi-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
