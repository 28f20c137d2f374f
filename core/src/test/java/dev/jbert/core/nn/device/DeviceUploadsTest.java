package dev.jbert.core.nn.device;

import dev.jbert.core.nn.AttentionMask;
import dev.jbert.core.nn.Kernels;
import dev.jbert.core.nn.host.HostKernels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A pass uploads each host input once: the embedding lookup's ids serve its gradient, the padding serves every
 * layer, the pooling weights serve the backward pass; and what the device kernels compute from the shared uploads
 * equals the host kernels'.
 */
class DeviceUploadsTest {

    private static final DeviceKernels DEVICE = DeviceKernels.INSTANCE;
    private static final HostKernels HOST = HostKernels.INSTANCE;

    @Test
    void theGradientOfALookupUploadsNothing() {
        int rows = 6, width = 4, period = 3, pad = 0;
        int[] ids = {2, 0, 4, 1, 0, 3};
        int[] types = {0, 0, 1, 1, 1, 0};
        INDArray words = Nd4j.rand(DataType.FLOAT, 5, width), typeTable = Nd4j.rand(DataType.FLOAT, 2, width),
                positions = Nd4j.rand(DataType.FLOAT, period, width);
        List<Kernels.Lookup> lookups = List.of(new Kernels.Lookup(words, ids, 0), new Kernels.Lookup(typeTable, types, 0),
                new Kernels.Lookup(positions, null, period));
        INDArray onDevice = Nd4j.create(DataType.FLOAT, rows, width), onHost = onDevice.ulike();
        DEVICE.sumRows(onDevice, lookups);
        long once = DeviceOps.uploads();
        DEVICE.sumRows(onDevice, lookups);
        assertEquals(once, DeviceOps.uploads(), "a second lookup of the same ids uploads nothing");
        HOST.sumRows(onHost, lookups);
        assertEquals(onHost, onDevice);

        INDArray d = Nd4j.rand(DataType.FLOAT, rows, width);
        long forward = DeviceOps.uploads();
        INDArray[] device = {words.ulike().assign(0), typeTable.ulike().assign(0), positions.ulike().assign(0)};
        INDArray[] host = {words.ulike().assign(0), typeTable.ulike().assign(0), positions.ulike().assign(0)};
        DEVICE.scatterRows(d, ids, 0, pad, device[0]);
        DEVICE.scatterRows(d, types, 0, -1, device[1]);
        DEVICE.scatterRows(d, null, period, -1, device[2]);
        assertEquals(forward, DeviceOps.uploads(), "the backward pass reuses the forward pass's uploads");
        HOST.scatterRows(d, ids, 0, pad, host[0]);
        HOST.scatterRows(d, types, 0, -1, host[1]);
        HOST.scatterRows(d, null, period, -1, host[2]);
        for (int k = 0; k < host.length; k++) assertEquals(host[k], device[k], "table " + k);
        assertEquals(0.0, device[0].getRow(pad).norm2Number().doubleValue(), "the padding row gets no gradient");
    }

    @Test
    void thePaddingAndPoolingWeightsAreUploadedOncePerPass() {
        int batch = 2, seq = 3, width = 4;
        int[][] attention = {{1, 1, 0}, {1, 1, 1}};
        AttentionMask mask = new AttentionMask(batch, seq, new int[][]{{2}, {}});
        INDArray hidden = Nd4j.rand(DataType.FLOAT, batch * seq, width);
        long before = DeviceOps.uploads();
        for (int layer = 0; layer < 3; layer++) DEVICE.zeroPaddedRows(hidden.dup(), mask);
        assertEquals(1, DeviceOps.uploads() - before, "one padding upload for every layer");

        INDArray pooled = Nd4j.create(DataType.FLOAT, batch, width), dHidden = hidden.ulike().assign(0);
        before = DeviceOps.uploads();
        DEVICE.meanPool(hidden, attention, pooled);
        DEVICE.addMeanPool(pooled, attention, dHidden);
        assertEquals(1, DeviceOps.uploads() - before, "one upload of the pooling weights for both directions");
        INDArray hostPooled = pooled.ulike(), hostDHidden = dHidden.ulike().assign(0);
        HOST.meanPool(hidden, attention, hostPooled);
        HOST.addMeanPool(hostPooled, attention, hostDHidden);
        assertEquals(hostPooled, pooled);
        assertEquals(hostDHidden, dHidden);
    }
}
