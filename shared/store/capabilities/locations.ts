import type { LocationInput, LocationListQuery, LocationUpdate } from '../../schemas/location';
import type { Host } from '../account-base';
import type { LocationStore } from '../locations';

export interface LocationsHost extends Pick<Host, 'tx'> {
  locations: LocationStore;
}

/** Sales locations (docs/locations.md). */
export class LocationsRpc {
  constructor(private readonly h: LocationsHost) {}

  createLocation(input: LocationInput, actor: string) {
    return this.h.tx(() => this.h.locations.create(input, actor));
  }
  getLocation(locationId: string) {
    return this.h.locations.get(locationId);
  }
  listLocations(q: LocationListQuery) {
    return this.h.locations.list(q);
  }
  updateLocation(locationId: string, patch: LocationUpdate, actor: string) {
    return this.h.tx(() => this.h.locations.update(locationId, patch, actor));
  }
  deleteLocation(locationId: string, actor: string) {
    return this.h.tx(() => this.h.locations.delete(locationId, actor));
  }
}
