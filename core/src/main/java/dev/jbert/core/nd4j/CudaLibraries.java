package dev.jbert.core.nd4j;

import com.sun.jna.NativeLibrary;

import java.util.List;

/**
 * What a CUDA build needs of the machine before ND4J may load: the NVIDIA driver ({@code libcuda.so.1}) and the CUDA
 * 11.6 runtime ({@code libcudart.so.11.0}, from a CUDA 11.6 install or from the {@code org.bytedeco:cuda} redist jar).
 * Without them ND4J's loader fails with a long trace ending in a misleading "no available backend"; this says which is
 * missing, in one line.
 */
final class CudaLibraries {

    private CudaLibraries() {
    }

    /** @throws BackendUnavailableException naming the first library missing and what provides it */
    static void requirePresent() {
        if (!loadable(List.of("cuda", "libcuda.so.1"))) {
            throw new BackendUnavailableException("no NVIDIA driver found (libcuda.so.1 is not on the library path): this jar was built"
                    + " with -Pcuda for NVIDIA GPUs; install the NVIDIA driver with CUDA 11.6 and cuDNN 8.3, or build without -Pcuda for the CPU");
        }
        if (!redistOnClasspath() && !loadable(List.of("cudart", "libcudart.so.11.0"))) {
            throw new BackendUnavailableException("no CUDA 11.6 libraries found (libcudart.so.11.0 is not on the library path): install"
                    + " CUDA 11.6 and cuDNN 8.3 (LD_LIBRARY_PATH=/usr/local/cuda-11.6/lib64), or add org.bytedeco:cuda:11.6-8.3-1.5.7:"
                    + "linux-x86_64-redist to the class path");
        }
    }

    /** Whether any of these names loads as a native library. */
    static boolean loadable(List<String> names) {
        for (String name : names) {
            try {
                NativeLibrary.getInstance(name);
                return true;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                // try the next spelling
            }
        }
        return false;
    }

    private static boolean redistOnClasspath() {
        return CudaLibraries.class.getClassLoader().getResource("org/bytedeco/cuda/linux-x86_64/libcudart.so.11.0") != null;
    }
}
