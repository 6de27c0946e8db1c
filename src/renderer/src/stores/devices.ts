import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Device, DeviceList, DeviceTestResult } from '../../../shared/devices';
import { useApi } from './api';
import { useModelStore } from './model';

/**
 * The device setting: which devices this machine offers for models and why some cannot load, the
 * one chosen (remembered by the backend), and the result of each device's test.
 */
export const useDevicesStore = defineStore('devices', () => {
  const api = useApi();
  const list = shallowRef<DeviceList | null>(null);
  const results = ref<Partial<Record<Device, DeviceTestResult>>>({});
  /** The device being tested; one test at a time, since they share the machine. */
  const testing = ref<Device | null>(null);
  const choosing = ref(false);
  const error = ref<string | null>(null);

  const options = computed(() => list.value?.options ?? []);
  const chosen = computed<Device>(() => list.value?.chosen ?? 'auto');

  async function refresh(): Promise<void> {
    const reply = await api['device:list']({});
    if (reply.ok) list.value = reply.value;
    else error.value = reply.error.message;
  }

  /** Runs the device's test on the image given (the current one), or on a built-in one. */
  async function test(device: Device, imageId?: string | null): Promise<void> {
    if (testing.value) return;
    testing.value = device;
    error.value = null;
    const reply = await api['device:test'](imageId ? { device, imageId } : { device });
    testing.value = null;
    if (reply.ok) results.value = { ...results.value, [device]: reply.value };
    else error.value = reply.error.message;
  }

  /** Makes `device` the one models open on; the loaded model moves there (the backend says if it cannot). */
  async function choose(device: Device): Promise<boolean> {
    choosing.value = true;
    error.value = null;
    const reply = await api['device:choose']({ device });
    choosing.value = false;
    if (!reply.ok) {
      error.value = reply.error.message;
      return false;
    }
    if (list.value) list.value = { ...list.value, chosen: device };
    useModelStore().apply(reply.value);
    return true;
  }

  return { list, results, testing, choosing, error, options, chosen, refresh, test, choose };
});
